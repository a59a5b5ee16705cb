import { AsyncLocalStorage } from 'node:async_hooks';
import { markOrder } from '../telemetry/spans.js';

/**
 * What the current call or event is about: the order's story it belongs to (correlation), the event
 * being handled. Log lines, outgoing calls and published events read it. The trace it is part of is
 * OpenTelemetry's active span (telemetry/).
 */
export interface CallContext {
  correlationId?: string;
  eventId?: string;
  /** When the caller stops waiting (epoch ms): a write must not commit after it. */
  deadline?: number;
}

const context = new AsyncLocalStorage<CallContext>();

/** Runs `work` with `ctx` merged into the current call context, however deep it goes. */
export function withCallContext<T>(ctx: CallContext, work: () => T): T {
  return context.run({ ...context.getStore(), ...ctx }, work);
}

export function currentCallContext(): CallContext {
  return context.getStore() ?? {};
}

/**
 * From here on, the current call is about `correlationId`: e.g. PlaceOrder once the order has an
 * id, or CancelOrder for the order it names, so the call's log line joins that order's story, and
 * its span carries the order id that finds the order's trace.
 */
export function correlate(correlationId: string): void {
  const store = context.getStore();
  if (store !== undefined) store.correlationId = correlationId;
  markOrder(correlationId);
}
