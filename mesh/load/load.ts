import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TokenFor } from '../invariants/rest-client.js';
import { edgeRateLimit } from '../policy/rate-limits.js';

export interface LoadOptions {
  /** Requests in flight at once. */
  concurrency: number;
  /** Requests started per second, all clients together; defaults to `loadRate`. */
  rate?: number;
  /** No request starts after this aborts; those in flight finish. */
  until: AbortSignal;
  /** The access token each request carries (mesh/tokens/route-tokens.ts); none by default. */
  tokenFor?: TokenFor;
}

/**
 * The load's default rate: 80 % of the sustained rate the edge grants one caller
 * (mesh/policy/rate-limits.ts), so a load from one machine measures the shop, not its rate limit.
 */
export const loadRate = Math.floor(edgeRateLimit.refillPerSecond * 0.8);

export interface LoadReport {
  durationMs: number;
  requests: number;
  /**
   * Requests not answered 2xx (a 4xx too: every request of the mix is one the shop must accept),
   * except 429: the edge turning away a caller over its rate limit is the policy, not downtime.
   */
  failed: number;
  /** Requests answered 429 (over the caller's rate limit), counted apart from `failed`. */
  rateLimited: number;
  /** HTTP status (or `no answer`, `no token`) -> count. */
  byStatus: Record<string, number>;
  latenciesMs: number[];
  /** The first few failures, as the client saw them. */
  failures: string[];
}

interface Request {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

const requestTimeoutMs = 10_000;
const failuresKept = 10;

/** The request could not get its access token: the token service (or the read of its owner) failed. */
class NoToken extends Error {}

/**
 * What users do most, through the REST edge, at `rate` requests a second from `concurrency`
 * clients: read books, register (with a requestId), place orders (with a requestId) and read them.
 * Every request is one the shop must answer 2xx, so any other answer is a failure of the shop.
 */
export async function runLoad(edgeUrl: string, options: LoadOptions): Promise<LoadReport> {
  const send = async (request: Request): Promise<{ status: number; json: unknown }> => {
    const token = await options.tokenFor?.(request.method, request.path, request.body).catch((error: unknown) => {
      throw new NoToken(`no access token: ${describe(error)}`);
    });
    const response = await fetch(`${edgeUrl}${request.path}`, {
      method: request.method,
      headers: {
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
    const text = await response.text();
    return { status: response.status, json: text === '' ? {} : (JSON.parse(text) as unknown) };
  };
  const created = async (request: Request): Promise<string> => {
    const { status, json } = await send(request);
    if (status !== 200) throw new Error(`${request.method} ${request.path} answered ${status}: ${JSON.stringify(json)}`);
    return String((json as { id?: unknown }).id);
  };
  const bookId = await created({ method: 'POST', path: '/books', body: { bookName: 'Load test', stock: 1_000_000, price: 1000 } });
  // Customers sign in with their email, so the load's orders can carry the customer's own token.
  const customerId = await created({ method: 'POST', path: '/customers', body: { name: 'Load tester', email: `load-${randomUUID()}@example.com` } });
  const orderIds: string[] = [];

  const report: LoadReport = { durationMs: 0, requests: 0, failed: 0, rateLimited: 0, byStatus: {}, latenciesMs: [], failures: [] };
  const next = (turn: number): Request => {
    switch (turn % 6) {
      case 0:
        return { method: 'GET', path: `/books/${bookId}` };
      case 1:
        return { method: 'GET', path: '/books?pageSize=5' };
      case 2:
        return { method: 'POST', path: '/orders', body: { customerId, bookId, quantity: 1, deliveryAddress: '1 Load Lane', requestId: randomUUID() } };
      case 3: {
        const orderId = orderIds.at(-1);
        return orderId === undefined ? { method: 'GET', path: `/books/${bookId}` } : { method: 'GET', path: `/orders/${orderId}` };
      }
      case 4:
        return { method: 'POST', path: '/customers', body: { name: `Load customer ${turn}`, email: `load-${randomUUID()}@example.com`, requestId: randomUUID() } };
      default:
        return { method: 'GET', path: `/customers/${customerId}` };
    }
  };
  const started = performance.now();
  const intervalMs = 1000 / (options.rate ?? loadRate);
  let turns = 0;
  let nextStartAt = started;
  const client = async (): Promise<void> => {
    for (;;) {
      // The clients share one schedule: a request starts every intervalMs.
      const startAt = Math.max(nextStartAt, performance.now());
      nextStartAt = startAt + intervalMs;
      await sleep(Math.max(0, startAt - performance.now()));
      if (options.until.aborted) return;
      const request = next(turns);
      turns += 1;
      const sent = performance.now();
      const outcome = await send(request).catch((error: unknown) => ({
        status: error instanceof NoToken ? -1 : 0,
        json: describe(error),
      }));
      report.latenciesMs.push(performance.now() - sent);
      report.requests += 1;
      const key = outcome.status === 0 ? 'no answer' : outcome.status === -1 ? 'no token' : String(outcome.status);
      report.byStatus[key] = (report.byStatus[key] ?? 0) + 1;
      if (outcome.status === 200) {
        if (request.path === '/orders') orderIds.push(String((outcome.json as { id?: unknown }).id));
        continue;
      }
      if (outcome.status === 429) {
        report.rateLimited += 1;
        continue;
      }
      report.failed += 1;
      if (report.failures.length < failuresKept) report.failures.push(`${request.method} ${request.path} -> ${key}: ${JSON.stringify(outcome.json)}`);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  report.durationMs = performance.now() - started;
  return report;
}

/** An error as the client saw it, with its cause (fetch's "fetch failed" hides ECONNRESET and the like). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}

/** The `p`th percentile (0..100) of `values`, by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

/** `availability: 100.00% (1234 requests, 0 failed, 0 rate limited)`; a 429 is neither available nor failed. */
export function availabilityLine(report: LoadReport): string {
  const measured = report.requests - report.rateLimited;
  const available = measured === 0 ? 0 : ((measured - report.failed) / measured) * 100;
  return `availability: ${available.toFixed(2)}% (${report.requests} requests, ${report.failed} failed, ${report.rateLimited} rate limited)`;
}

/** `load: 30.0 s, 4123 requests, 137.4 rps, p50 12 ms, p99 80 ms, by status: 200 x4123` */
export function loadLine(report: LoadReport): string {
  const seconds = report.durationMs / 1000;
  const statuses = Object.entries(report.byStatus).map(([status, count]) => `${status} x${count}`).join(', ');
  return `load: ${seconds.toFixed(1)} s, ${report.requests} requests, ${(report.requests / Math.max(seconds, 0.001)).toFixed(1)} rps, p50 ${Math.round(percentile(report.latenciesMs, 50))} ms, p99 ${Math.round(percentile(report.latenciesMs, 99))} ms, by status: ${statuses}`;
}
