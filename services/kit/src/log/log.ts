import { pino, type Logger } from 'pino';
import { currentCallContext } from '../context/call-context.js';
import { activeTraceIds } from '../telemetry/log-ids.js';

export type { Logger };

/** pino's levels; LOG_LEVEL must name one (services/kit/src/config/process-settings.ts reads it). */
export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/** JSON lines with the service's name, the current call context (correlation, event) and the active span's trace and span ids on each. */
export function createLogger(service: string, level: LogLevel): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: logContext,
  });
}

/** What every log line carries: the call context (correlation, event) and the active span's trace and span ids. */
export function logContext(): Record<string, string | undefined> {
  const { correlationId, eventId } = currentCallContext();
  return { correlationId, ...activeTraceIds(), eventId };
}
