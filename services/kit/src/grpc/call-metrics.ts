import { status } from '@grpc/grpc-js';
import { Counter, Histogram } from 'prom-client';
import { codeName } from './grpc-error.js';

/** The calls of one method as one side saw them; label sets are made once per method and code. */
export interface MethodCalls {
  /** Counts a call going out or coming in; returns when, for handled(). */
  readonly started: () => number;
  /** Counts its outcome and time since `startedAt`; returns that time in milliseconds. */
  readonly handled: (code: status, startedAt: number) => number;
  /** A call an open circuit breaker refused: started and handled UNAVAILABLE at once (docs/metrics.md). */
  readonly refused: () => void;
}

const methodLabels = ['grpc_type', 'grpc_service', 'grpc_method'] as const;
const outcomeLabels = [...methodLabels, 'grpc_code'] as const;
const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * grpc-prometheus' started, handled and handling-seconds metrics of one side, in the default
 * registry /metrics serves. Returns the calls of a method by its path, `/package.Service/Method`.
 */
function rpcMetrics(side: 'server' | 'client', whose: string): (path: string) => MethodCalls {
  const started = new Counter({ name: `grpc_${side}_started_total`, help: `RPCs ${whose} started, by method`, labelNames: methodLabels });
  const handled = new Counter({ name: `grpc_${side}_handled_total`, help: `RPCs ${whose} completed, by method and status code`, labelNames: outcomeLabels });
  const seconds = new Histogram({ name: `grpc_${side}_handling_seconds`, help: `Time until ${whose} had the status, by method and status code`, labelNames: outcomeLabels, buckets });
  const methods = new Map<string, MethodCalls>();
  return (path) => {
    let calls = methods.get(path);
    if (calls === undefined) {
      calls = methodCalls(path, started, handled, seconds);
      methods.set(path, calls);
    }
    return calls;
  };
}

function methodCalls(path: string, started: Counter<(typeof methodLabels)[number]>, handled: Counter<(typeof outcomeLabels)[number]>, seconds: Histogram<(typeof outcomeLabels)[number]>): MethodCalls {
  const slash = path.lastIndexOf('/');
  const method = { grpc_type: 'unary', grpc_service: path.slice(path.startsWith('/') ? 1 : 0, slash), grpc_method: path.slice(slash + 1) };
  const startedCount = started.labels(method);
  const outcomes: { handled: { inc(): void }; seconds: { observe(value: number): void } }[] = [];
  const start = (): number => {
    startedCount.inc();
    return performance.now();
  };
  const handle = (code: status, startedAt: number): number => {
    const elapsedMs = performance.now() - startedAt;
    let outcome = outcomes[code];
    if (outcome === undefined) {
      const labels = { ...method, grpc_code: codeName(code) };
      outcome = { handled: handled.labels(labels), seconds: seconds.labels(labels) };
      outcomes[code] = outcome;
    }
    outcome.handled.inc();
    outcome.seconds.observe(elapsedMs / 1000);
    return elapsedMs;
  };
  return {
    started: start,
    handled: handle,
    refused: () => {
      handle(status.UNAVAILABLE, start());
    },
  };
}

/** Calls this process's gRPC server answered (observe.ts). */
export const serverCalls = rpcMetrics('server', 'the server');

/** Calls this process made, one per attempt, refusals by an open breaker included (client.ts). */
export const clientCalls = rpcMetrics('client', 'the caller');
