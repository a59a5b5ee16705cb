import { pino, type Logger } from 'pino';
import { currentCallContext } from '../context/call-context.js';

export type { Logger };

/** JSON lines with the service's name and the current call context (correlation, trace, event) on each. */
export function createLogger(service: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => {
      const { correlationId, traceId, eventId } = currentCallContext();
      return { correlationId, traceId, eventId };
    },
  });
}
