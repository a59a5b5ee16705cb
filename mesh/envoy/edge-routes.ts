import { edgeDeadlines } from '../../services/edge/src/transcoding-options.js';
import type { EdgeUpstream } from './edge-plan.js';
import { typed, type JsonObject } from './json.js';
import { durationFromMs, retryOn } from './policy-units.js';

/**
 * One route per gRPC service. The transcoder rewrites a REST request to its gRPC path before
 * routing, so the same `/<package.Service>/` prefix routes REST and native gRPC callers alike.
 */
export function edgeRoutes(upstreams: readonly EdgeUpstream[]): JsonObject[] {
  return upstreams.flatMap((upstream) =>
    upstream.routedGrpcServices.map((grpcService) => ({
      name: grpcService,
      match: { prefix: `/${grpcService}/` },
      route: routeAction(upstream),
    })),
  );
}

/**
 * The deadline is a stream duration rather than the route `timeout`: Envoy ignores `timeout` once
 * a route has max_stream_duration, which it needs to honour a client's grpc-timeout header (up to
 * the edge's ceiling, as the local edge does). Without the header the call gets the policy deadline.
 */
function routeAction({ service, policy }: EdgeUpstream): JsonObject {
  return {
    cluster: service.name,
    // The callee's name, not the client's Host: an Istio sidecar routes by Host, and with
    // `localhost:8080` it would find no route and pass the call through without mTLS.
    host_rewrite_literal: service.name,
    max_stream_duration: {
      max_stream_duration: durationFromMs(policy.deadlineMs),
      grpc_timeout_header_max: durationFromMs(edgeDeadlines.grpcTimeoutHeaderMaxMs),
    },
    retry_policy: {
      retry_on: retryOn(policy),
      num_retries: policy.retries.attempts,
      per_try_timeout: durationFromMs(policy.retries.perTryTimeoutMs),
      retry_host_predicate: [
        {
          name: 'envoy.retry_host_predicates.previous_hosts',
          typed_config: typed('envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate'),
        },
      ],
      host_selection_retry_max_attempts: 3,
    },
  };
}
