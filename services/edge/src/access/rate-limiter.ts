import { status } from '@grpc/grpc-js';
import type { RateLimit } from '../../../../mesh/policy/rate-limits.js';
import { TranscodeError } from '../transcode/transcode-error.js';

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** Callers idle this long have a full bucket again, so their bucket can be forgotten. */
const forgetAfterBuckets = 10_000;

/** A token bucket per caller key; a caller past its burst is refused with 429 and Retry-After. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one token for `caller`, or throws RESOURCE_EXHAUSTED saying when to come back. */
  take(caller: string): void {
    const now = this.now();
    const bucket = this.buckets.get(caller) ?? { tokens: this.limit.burst, updatedMs: now };
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((now - bucket.updatedMs) / 1000) * this.limit.refillPerSecond);
    bucket.updatedMs = now;
    this.buckets.delete(caller);
    this.buckets.set(caller, bucket);
    if (this.buckets.size > forgetAfterBuckets) this.forgetOldest();
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return;
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / this.limit.refillPerSecond));
    throw new TranscodeError(status.RESOURCE_EXHAUSTED, `too many requests: at most ${this.limit.burst} at once and ${this.limit.refillPerSecond} a second; retry after ${retryAfterSeconds} s`, 429, undefined, {
      'retry-after': String(retryAfterSeconds),
    });
  }

  /** The least recently seen caller (Map order is insertion order, refreshed on every take). */
  private forgetOldest(): void {
    const [oldest] = this.buckets.keys();
    if (oldest !== undefined) this.buckets.delete(oldest);
  }
}
