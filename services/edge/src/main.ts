import { ConfigError } from '#kit/config/config.js';
import { readEdgeConfig } from './config.js';
import { startEdge } from './start-edge.js';

/** The local edge as a process: config from the environment, serve, drain on SIGTERM or Ctrl-C. */
try {
  const edge = await startEdge(readEdgeConfig());
  const stop = (): void => {
    void edge.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} catch (error) {
  process.stderr.write(`edge: ${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
