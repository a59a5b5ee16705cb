import { readConfig } from '#kit/config/config.js';
import { createLogger } from '#kit/log/log.js';
import { Ledger } from './ledger.js';
import { startCardProcessor } from './server.js';

/**
 * The card processor as its own process (an external system, not a bounded context). Environment:
 *   PROCESSOR_PORT      where it listens (8090)
 *   PROCESSOR_DATABASE  its SQLite file (.data/card-processor.sqlite); charges survive a restart
 */
const config = readConfig((read) => ({
  port: read.port('PROCESSOR_PORT', 8090),
  database: read.string('PROCESSOR_DATABASE', '.data/card-processor.sqlite'),
  logLevel: read.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
}));
const log = createLogger('card-processor', config.logLevel);
const ledger = new Ledger(config.database);
const processor = await startCardProcessor({ port: config.port, ledger, log });

const stop = (): void => {
  void processor.close().then(() => {
    ledger.close();
    process.exit(0);
  });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
