import type { CallPolicy } from '../policy/resilience.js';

/**
 * A duration in the protobuf JSON form Envoy and Istio both accept ("0.8s", "5s"): whole
 * milliseconds divided by 1000 print exactly, with no trailing zeros.
 */
export function durationFromMs(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0) throw new Error(`a duration must be whole non-negative milliseconds, got ${ms}`);
  return `${ms / 1000}s`;
}

/**
 * Failures that never reached a service instance (the connection or the HTTP/2 stream was refused,
 * as when a pod is being replaced). Retrying them is safe for any method, so they are retried on
 * every edge besides the gRPC codes the policy names.
 */
export const transportRetryOn = ['connect-failure', 'refused-stream'] as const;

/** The `retry_on` / `retryOn` value for Envoy and Istio (same spelling in both). */
export function retryOn(policy: CallPolicy): string {
  return [...policy.retries.retryOn, ...transportRetryOn].join(',');
}
