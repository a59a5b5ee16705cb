import type { CircuitBreakerPolicy } from 'cockatiel';
import { Gauge } from 'prom-client';
import type { Logger } from '../log/log.js';

/** 0 closed (calls flow), 1 open (calls refused at once), 2 half-open (one trial call). */
export const circuitState = new Gauge({
  name: 'bookstore_circuit_breaker_state',
  help: 'State of an in-process circuit breaker per call edge: 0 closed, 1 open, 2 half-open.',
  labelNames: ['caller', 'callee'] as const,
});

export interface CircuitWatch {
  caller: string;
  callee: string;
  consecutiveFailures: number;
  baseEjectionMs: number;
  log: Logger;
}

/** Makes a breaker visible: its state as the metric above, and one log line per open, half-open and close. */
export function watchCircuit(breaker: CircuitBreakerPolicy, watch: CircuitWatch): void {
  const { caller, callee, consecutiveFailures, baseEjectionMs, log } = watch;
  const gauge = circuitState.labels({ caller, callee });
  gauge.set(0);
  breaker.onBreak(() => {
    gauge.set(1);
    log.warn({ callee, consecutiveFailures, baseEjectionMs }, `circuit to ${callee} opened`);
  });
  breaker.onHalfOpen(() => {
    gauge.set(2);
    log.info({ callee }, `circuit to ${callee} half-open: trying one call`);
  });
  breaker.onReset(() => {
    gauge.set(0);
    log.info({ callee }, `circuit to ${callee} closed`);
  });
}
