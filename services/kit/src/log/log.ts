import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type Logger } from 'pino';

/** What ties one log line to one order's story across services. */
export interface LogContext {
  correlationId?: string;
  traceId?: string;
  eventId?: string;
}

const context = new AsyncLocalStorage<LogContext>();

/** Runs `work` with `ctx` merged into every log line written inside it, however deep. */
export function withLogContext<T>(ctx: LogContext, work: () => T): T {
  return context.run({ ...context.getStore(), ...ctx }, work);
}

export function currentLogContext(): LogContext {
  return context.getStore() ?? {};
}

export type { Logger };

export function createLogger(service: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => ({ ...context.getStore() }),
  });
}

/**
 * From here on, the current call is about `correlationId`: e.g. PlaceOrder once the order has an
 * id, or CancelOrder for the order it names, so the call's log line joins that order's story.
 */
export function correlate(correlationId: string): void {
  const store = context.getStore();
  if (store !== undefined) store.correlationId = correlationId;
}
