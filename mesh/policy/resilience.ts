/**
 * Resilience, declared once: one policy per call edge (caller -> callee). Istio DestinationRules and
 * VirtualServices, the Envoy edge clusters and the in-process policy of the local mesh all come from
 * here. In a cluster the in-process retries and breaker are off (IN_PROCESS_RESILIENCE=false) so they
 * do not stack on Istio's; deadlines stay everywhere.
 */

/** gRPC status names a retry may be made on (Envoy/Istio `retry_on` spelling). */
export type RetryOn = 'unavailable' | 'resource-exhausted' | 'cancelled' | 'deadline-exceeded';

export interface CallPolicy {
  /** Whole-call deadline, retries included. */
  deadlineMs: number;
  /**
   * `attempts` retries after the first try (Envoy num_retries, Istio attempts, the kit's and the
   * local edge's retries alike), each try bounded by `perTryTimeoutMs`. A try that times out is
   * not retried unless retryOn says 'deadline-exceeded', so a per-try timeout shorter than the
   * deadline would cut the deadline short: resilience.test.ts refuses that combination.
   */
  retries: { attempts: number; perTryTimeoutMs: number; retryOn: RetryOn[] };
  circuitBreaker: {
    /**
     * Consecutive gateway failures (UNAVAILABLE, DEADLINE_EXCEEDED: the instance is unreachable or
     * too slow) that open the circuit / eject a host. A callee's answer that a dependency of its own
     * failed (ABORTED, see error-mapping.ts) does not count: the callee is healthy.
     */
    consecutiveFailures: number;
    /** How often failures are assessed (Envoy outlier `interval`). */
    intervalMs: number;
    /**
     * How long an open circuit / ejected host stays out before a trial call (Envoy multiplies it by
     * the number of ejections). Short, so that calls flow again within about this long of the
     * callee's return. The in-process breaker of a gRPC callee does not wait it out: it asks the
     * callee's grpc.health.v1 every 100 ms while open and lets the next call through as soon as a
     * callee that was down is SERVING again (services/kit/src/resilience/callee-return.ts).
     */
    baseEjectionMs: number;
    /** At most half the hosts are ejected, so a dependency's outage cannot eject a whole service. */
    maxEjectionPercent: number;
  };
  connectionPool: { maxRequests: number; maxPendingRequests: number };
}

export interface CallEdge extends CallPolicy {
  caller: string;
  callee: string;
}

const standard: CallPolicy = {
  deadlineMs: 2_000,
  retries: { attempts: 2, perTryTimeoutMs: 2_000, retryOn: ['unavailable', 'resource-exhausted'] },
  circuitBreaker: { consecutiveFailures: 5, intervalMs: 1_000, baseEjectionMs: 1_000, maxEjectionPercent: 50 },
  connectionPool: { maxRequests: 1_000, maxPendingRequests: 100 },
};

/** REST through the edge: a person waits, so the edge allows more than a service-to-service call. */
const fromEdge: CallPolicy = { ...standard, deadlineMs: 5_000, retries: { ...standard.retries, perTryTimeoutMs: 5_000 } };

/**
 * PlaceOrder asks catalog and coupon synchronously: a short deadline, so an order answers at once
 * with UNAVAILABLE / DEADLINE_EXCEEDED naming the callee instead of hanging on a sick dependency.
 */
const placeOrderLookup: CallPolicy = {
  ...standard,
  deadlineMs: 1_500,
  retries: { attempts: 1, perTryTimeoutMs: 1_500, retryOn: ['unavailable'] },
};

/**
 * PlaceOrder pays synchronously. Pay answers PENDING by itself when the processor is slow or out,
 * so its deadline covers one processor try and a look-up; past it the order is accepted PENDING.
 */
const placeOrderPayment: CallPolicy = {
  ...standard,
  deadlineMs: 2_500,
  retries: { attempts: 1, perTryTimeoutMs: 2_500, retryOn: ['unavailable'] },
};

/**
 * payment -> the card processor (an external HTTP host, no gRPC health to ask): one try per call,
 * since the settler retries PENDING payments with backoff, and a breaker that opens after 5 failures
 * in a row and tries again after baseEjectionMs (Istio's outlier detection on the processor's
 * ServiceEntry has the same numbers).
 */
const cardProcessor: CallPolicy = {
  ...standard,
  deadlineMs: 1_000,
  retries: { attempts: 0, perTryTimeoutMs: 1_000, retryOn: [] },
};

export const callEdges: readonly CallEdge[] = [
  { caller: 'edge', callee: 'catalog', ...fromEdge },
  { caller: 'edge', callee: 'order', ...fromEdge },
  { caller: 'edge', callee: 'delivery', ...fromEdge },
  { caller: 'edge', callee: 'coupon', ...fromEdge },
  { caller: 'edge', callee: 'customer', ...fromEdge },
  { caller: 'edge', callee: 'mypage', ...fromEdge },
  { caller: 'edge', callee: 'payment', ...fromEdge },
  { caller: 'order', callee: 'catalog', ...placeOrderLookup },
  { caller: 'order', callee: 'coupon', ...placeOrderLookup },
  { caller: 'order', callee: 'payment', ...placeOrderPayment },
  { caller: 'payment', callee: 'card-processor', ...cardProcessor },
  // The token service signs a customer in by their number and email.
  { caller: 'auth', callee: 'customer', ...standard },
];

/** The policy for caller -> callee; an undeclared edge is a configuration error. */
export function callPolicy(caller: string, callee: string): CallPolicy {
  const edge = callEdges.find((candidate) => candidate.caller === caller && candidate.callee === callee);
  if (edge === undefined) throw new Error(`no call policy for ${caller} -> ${callee} in mesh/policy/resilience.ts`);
  return edge;
}
