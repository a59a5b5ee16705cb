import { ConfigError } from '#kit/config/config.js';
import { startAuth } from './auth-server.js';
import { readAuthConfig } from './config.js';

/** The token service as a process: config from the environment, serve, stop on SIGTERM or Ctrl-C. */
try {
  const auth = await startAuth(readAuthConfig());
  const stop = (): void => {
    void auth.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} catch (error) {
  process.stderr.write(`auth: ${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
