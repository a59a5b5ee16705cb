/**
 * Rate limits at the edge, declared once: a token bucket per caller (the access token's subject,
 * else the client's address). The local edge, Envoy's local_ratelimit and the Istio ingress all
 * use these numbers.
 */
export interface RateLimit {
  /** Requests a caller may make at once, after a quiet spell. */
  burst: number;
  /** Tokens put back per second, up to `burst`: the sustained rate. */
  refillPerSecond: number;
}

export const edgeRateLimit: RateLimit = { burst: 200, refillPerSecond: 100 };
