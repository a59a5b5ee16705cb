import { fail } from '#kit/host/lifecycle.js';
import { createLogger } from '#kit/log/log.js';
import { readEdgeConfig } from './config.js';
import { startEdge } from './start-edge.js';

/**
 * The local edge as a process: config from the environment, serve, drain on SIGTERM or Ctrl-C. A
 * bad configuration ends it like a service: one line naming every problem, exit 78.
 */
try {
  const edge = await startEdge(readEdgeConfig());
  const stop = (): void => {
    void edge.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} catch (error) {
  // Until the configuration is read and valid, its LOG_LEVEL is not to be trusted.
  fail(createLogger('edge', 'info'), error);
}
