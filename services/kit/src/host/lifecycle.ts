import { ConfigError } from '../config/config.js';
import type { Logger } from '../log/log.js';

/** One thing to stop, in the order a rolling update needs: stop being chosen, finish work, close. */
export interface ShutdownStep {
  name: string;
  run: () => Promise<void> | void;
}

/** sysexits.h EX_CONFIG: the process cannot start as configured; restarting will not help. */
export const exitConfigError = 78;

/**
 * Runs the steps in order, each one even if an earlier one failed (stores still get closed),
 * and says whether every step succeeded.
 */
export async function shutdown(log: Logger, steps: readonly ShutdownStep[]): Promise<boolean> {
  let ok = true;
  for (const { name, run } of steps) {
    const started = performance.now();
    try {
      await run();
      log.info({ step: name, ms: Math.round(performance.now() - started) }, `shutdown: ${name}`);
    } catch (error) {
      ok = false;
      log.error({ step: name, err: error }, `shutdown: ${name} failed`);
    }
  }
  return ok;
}

/**
 * On SIGTERM or SIGINT, runs the shutdown steps and exits 0, or 1 if a step failed. A second
 * signal exits at once (an impatient Ctrl-C).
 */
export function runUntilSignalled(log: Logger, steps: readonly ShutdownStep[]): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting without finishing the shutdown');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    void shutdown(log, steps).then((ok) => {
      log.info({ ok }, 'stopped');
      process.exit(ok ? 0 : 1);
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/**
 * Ends a process that could not start: exit 78 for a bad configuration, which says everything
 * wrong with it in one line, 1 for anything else.
 */
export function fail(log: Logger, error: unknown): never {
  if (error instanceof ConfigError) {
    log.fatal({ problems: error.problems }, error.message);
    process.exit(exitConfigError);
  }
  log.fatal({ err: error }, 'could not start');
  process.exit(1);
}
