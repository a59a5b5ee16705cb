import { Histogram } from 'prom-client';

/** Server-side latency per method and status code, in the default registry /metrics serves. */
export const grpcServerHandlingSeconds = new Histogram({
  name: 'grpc_server_handling_seconds',
  help: 'Time to answer a unary gRPC call, by method and status code.',
  labelNames: ['method', 'code'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});
