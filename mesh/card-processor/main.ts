import { readConfig } from '#kit/config/config.js';
import { createLogger } from '#kit/log/log.js';
import { externalSystem } from '../policy/services.js';
import { Ledger } from './ledger.js';
import { startCardProcessor } from './server.js';

/**
 * The card processor as its own process (an external system, not a bounded context). Environment:
 *   PROCESSOR_HOST      the interface it listens on (127.0.0.1; 0.0.0.0 in a container)
 *   PROCESSOR_PORT      where it listens (8091, its localPort in mesh/policy/services.ts)
 *   PROCESSOR_DATABASE  its SQLite file (.data/card-processor.sqlite); charges survive a restart
 */
const config = readConfig((read) => ({
  host: read.string('PROCESSOR_HOST', '127.0.0.1'),
  port: read.port('PROCESSOR_PORT', externalSystem('card-processor').localPort),
  database: read.string('PROCESSOR_DATABASE', '.data/card-processor.sqlite'),
  logLevel: read.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
}));
const log = createLogger('card-processor', config.logLevel);
const ledger = new Ledger(config.database);
const processor = await startCardProcessor({ host: config.host, port: config.port, ledger, log });

const stop = (): void => {
  void processor.close().then(() => {
    ledger.close();
    process.exit(0);
  });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
