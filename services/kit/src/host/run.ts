import type { ServiceConfig } from '../config/service-config.js';
import { createLogger } from '../log/log.js';
import { fail, runUntilSignalled } from './lifecycle.js';
import { startService, type ServiceBlueprint } from './service-host.js';

/** A service's process entry: read config, start, serve until SIGTERM/SIGINT, shut down gracefully. */
export async function runService<C extends ServiceConfig>(service: string, readConfig: () => C, blueprint: (config: C) => ServiceBlueprint<C>): Promise<void> {
  // Until the configuration is read and valid, its LOG_LEVEL is not to be trusted.
  const log = createLogger(service, 'info');
  try {
    const config = readConfig();
    const running = await startService(config, blueprint(config));
    runUntilSignalled(running.parts.log, [
      {
        name: 'graceful shutdown',
        run: async () => {
          if (!(await running.stop())) throw new Error('a shutdown step failed (see above)');
        },
      },
    ]);
  } catch (error) {
    fail(log, error);
  }
}
