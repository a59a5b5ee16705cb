import { status } from '@grpc/grpc-js';
import { BrokenCircuitError, circuitBreaker, ConsecutiveBreaker, ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import type { CallPolicy, RetryOn } from '../../../../mesh/policy/resilience.js';
import type { Logger } from '../log/log.js';
import { CalleeFailure } from './call-failure.js';
import { CalleeReturn, type ReadinessProbe } from '../resilience/callee-return.js';
import { watchCircuit } from '../resilience/circuit-watch.js';
import { GrpcError } from './grpc-error.js';

/** One try of a call, given how long it may take. */
export type Attempt<T> = (timeoutMs: number) => Promise<T>;

export interface CallRunner {
  /** `refused` is told when an open breaker refuses the call without an attempt on the wire. */
  run<T>(attempt: Attempt<T>, refused?: () => void): Promise<T>;
  close(): void;
}

/** In a cluster: one try under the whole deadline; Istio retries and breaks circuits. */
export function deadlineOnly(policy: CallPolicy): CallRunner {
  return { run: (attempt) => attempt(policy.deadlineMs), close: () => undefined };
}

/** The gRPC status of each retryOn name. */
export const codeOf: Record<RetryOn, status> = {
  unavailable: status.UNAVAILABLE,
  'resource-exhausted': status.RESOURCE_EXHAUSTED,
  cancelled: status.CANCELLED,
  'deadline-exceeded': status.DEADLINE_EXCEEDED,
};

/** What says the callee is unwell (Envoy's consecutive 5xx); an answer such as NOT_FOUND says it is fine. */
const calleeFailures = new Set<status>([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.INTERNAL, status.UNKNOWN, status.DATA_LOSS]);

type Outcome<T> = { value: T } | { answer: GrpcError };

/**
 * The local mesh's stand-in for Istio: retries on the policy's codes with a short backoff inside the
 * whole-call deadline, each try bounded by the per-try timeout, and a consecutive-failures breaker
 * shared by every call to the callee, its state a metric and each change a log line (circuit-watch.ts).
 * While the circuit is open, `readiness` is asked whether the callee is ready again; once it is, the
 * next call is the trial (callee-return.ts), else the trial waits the policy's ejection time.
 */
export function inProcessResilience(caller: string, callee: string, policy: CallPolicy, log: Logger, readiness: ReadinessProbe): CallRunner {
  const { consecutiveFailures, baseEjectionMs } = policy.circuitBreaker;
  const retryCodes = new Set(policy.retries.retryOn.map((name) => codeOf[name]));
  const calleeReturn = new CalleeReturn(readiness, () => {
    log.info({ callee }, `${callee} is ready again; the next call tries it`);
  });
  const breaker = circuitBreaker(
    handleWhen((error) => error instanceof GrpcError && calleeFailures.has(error.code)),
    { halfOpenAfter: calleeReturn.halfOpenAfter(baseEjectionMs), breaker: new ConsecutiveBreaker(consecutiveFailures) },
  );
  watchCircuit(breaker, { caller, callee, consecutiveFailures, baseEjectionMs, log });
  breaker.onBreak(() => { calleeReturn.watch(); });
  breaker.onReset(() => { calleeReturn.stop(); });

  const thrown = (error: unknown): boolean =>
    !(error instanceof GrpcError) || calleeFailures.has(error.code) || retryCodes.has(error.code);

  return {
    async run<T>(attempt: Attempt<T>, refused?: () => void): Promise<T> {
      const deadlineAt = Date.now() + policy.deadlineMs;
      const retries = retry(
        handleWhen((error) => error instanceof GrpcError && retryCodes.has(error.code) && Date.now() < deadlineAt),
        { maxAttempts: policy.retries.attempts, backoff: new ExponentialBackoff({ initialDelay: 25, maxDelay: 250 }) },
      );
      // Answers travel as values through the breaker so they count as successes, not failures.
      const tryOnce = async (): Promise<Outcome<T>> => {
        const timeoutMs = Math.max(1, Math.min(policy.retries.perTryTimeoutMs, deadlineAt - Date.now()));
        try {
          return { value: await attempt(timeoutMs) };
        } catch (error) {
          if (thrown(error)) throw error;
          return { answer: error as GrpcError };
        }
      };
      let outcome: Outcome<T>;
      try {
        outcome = await retries.execute(() => breaker.execute(tryOnce));
      } catch (error) {
        if (error instanceof BrokenCircuitError) {
          refused?.();
          throw new CalleeFailure(callee, status.UNAVAILABLE, `${callee} is unavailable: circuit open after ${consecutiveFailures} consecutive failures`);
        }
        throw error;
      }
      if ('answer' in outcome) throw outcome.answer;
      return outcome.value;
    },
    close: () => { calleeReturn.stop(); },
  };
}
