import { BrokenCircuitError, CircuitState, circuitBreaker, ConsecutiveBreaker, handleAll, type CircuitBreakerPolicy } from 'cockatiel';
import type { CallPolicy } from '#mesh/policy/resilience.js';
import type { Logger } from '#kit/log/log.js';
import { watchCircuit } from '#kit/resilience/circuit-watch.js';
import { inHttpClientSpan } from '#kit/telemetry/http-client-span.js';
import type { CardProcessor } from '../../app/ports.js';
import type { ChargeOutcome, RefundOutcome } from '../../domain/payment.js';
import { parseCharge, type ProcessorAnswer } from './processor-answers.js';

export interface HttpCardProcessorOptions {
  /** e.g. http://127.0.0.1:8090 */
  baseUrl: string;
  policy: CallPolicy;
  /** The breaker here; in a cluster Istio's outlier detection on the processor's host does it. */
  inProcessResilience: boolean;
  log: Logger;
}

/** A failure of the processor (5xx, timeout, no connection, an answer that cannot be parsed): the breaker counts it. */
class ProcessorFailure extends Error {}

/**
 * The card processor over its HTTP JSON API, every call bounded by the policy's per-try timeout and
 * behind a consecutive-failures breaker (mesh/policy/resilience.ts, payment -> card-processor).
 * Whatever cannot be known (failure, timeout, breaker open) is an `unknown` outcome, never PAID or
 * DECLINED.
 */
export class HttpCardProcessor implements CardProcessor {
  private readonly breaker: CircuitBreakerPolicy | undefined;
  private readonly log: Logger;
  /** When the breaker last opened; it lets a trial call through once baseEjectionMs has passed. */
  private openedAt = 0;

  constructor(private readonly options: HttpCardProcessorOptions) {
    this.log = options.log.child({ component: 'card-processor-client' });
    const { consecutiveFailures, baseEjectionMs } = options.policy.circuitBreaker;
    if (options.inProcessResilience) {
      this.breaker = circuitBreaker(handleAll, { halfOpenAfter: baseEjectionMs, breaker: new ConsecutiveBreaker(consecutiveFailures) });
      watchCircuit(this.breaker, { caller: 'payment', callee: 'card-processor', consecutiveFailures, baseEjectionMs, log: this.log });
      this.breaker.onBreak(() => {
        this.openedAt = Date.now();
      });
    }
  }

  /**
   * Closed, half-open, or open long enough that the next call is the trial: the breaker only moves
   * on to half-open when a call is made, so an open breaker past its ejection time must be called.
   */
  accepting(): boolean {
    if (this.breaker?.state !== CircuitState.Open) return true;
    return Date.now() - this.openedAt >= this.options.policy.circuitBreaker.baseEjectionMs;
  }

  async charge(key: string, amount: number, currency: string, reference: string): Promise<ChargeOutcome> {
    const answer = await this.call('POST', '/v1/charges', '/v1/charges', key, { amount, currency, reference });
    if ('unknown' in answer) return answer.unknown;
    return this.chargeOutcome(answer);
  }

  async chargeByKey(key: string): Promise<ChargeOutcome | { kind: 'none' }> {
    const answer = await this.call('GET', '/v1/charges', `/v1/charges?idempotencyKey=${encodeURIComponent(key)}`);
    if ('unknown' in answer) return answer.unknown;
    if (answer.status === 404) return { kind: 'none' };
    return this.chargeOutcome(answer);
  }

  async refund(chargeReference: string, key: string): Promise<RefundOutcome> {
    const answer = await this.call('POST', '/v1/charges/{id}/refunds', `/v1/charges/${encodeURIComponent(chargeReference)}/refunds`, key);
    if ('unknown' in answer) return answer.unknown;
    if (answer.status === 200 || answer.status === 201) return { kind: 'refunded' };
    return { kind: 'unknown', why: `refund of ${chargeReference} answered ${answer.status}` };
  }

  private chargeOutcome(answer: ProcessorAnswer): ChargeOutcome {
    const charge = parseCharge(answer.body);
    if (charge === undefined || ![200, 201, 402].includes(answer.status)) {
      return { kind: 'unknown', why: `the processor answered ${answer.status} ${JSON.stringify(answer.body)}` };
    }
    return charge.status === 'succeeded' ? { kind: 'charged', reference: charge.id } : { kind: 'declined', reason: charge.declineReason };
  }

  /**
   * One HTTP call of `path` (its `template` names its span); a failure of the processor is counted
   * by the breaker and comes back as unknown.
   */
  private async call(method: string, template: string, path: string, key?: string, body?: unknown): Promise<ProcessorAnswer | { unknown: { kind: 'unknown'; why: string } }> {
    const send = (): Promise<ProcessorAnswer> => inHttpClientSpan(method, template, async (trace) => {
      const response = await fetch(`${this.options.baseUrl}${path}`, {
        method,
        headers: { ...trace, ...(key === undefined ? {} : { 'idempotency-key': key }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.policy.retries.perTryTimeoutMs),
      }).catch((error: unknown) => {
        throw new ProcessorFailure(`${method} ${path}: ${error instanceof Error ? error.message : String(error)}`);
      });
      const text = await response.text();
      if (response.status >= 500) throw new ProcessorFailure(`${method} ${path} answered ${response.status}: ${text.trim()}`);
      try {
        return { status: response.status, body: JSON.parse(text) as unknown };
      } catch {
        throw new ProcessorFailure(`${method} ${path} answered ${response.status} with a body that is not JSON`);
      }
    });
    try {
      return await (this.breaker === undefined ? send() : this.breaker.execute(send));
    } catch (error) {
      const why = error instanceof BrokenCircuitError ? 'the circuit to the card processor is open' : error instanceof Error ? error.message : String(error);
      this.log.warn({ method, path }, `card processor call failed: ${why}`);
      return { unknown: { kind: 'unknown', why } };
    }
  }
}
