import { Metadata, status, type Client } from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { service as healthService } from 'grpc-health-check';
import type { ReadinessProbe } from '../resilience/callee-return.js';

const check = healthService.Check as MethodDefinition<{ service: string }, { status?: unknown }>;

/** Short: the probe runs while calls are refused, and a slow answer is as good as none. */
const probeTimeoutMs = 500;

/**
 * grpc.health.v1 Check of the whole server ('') over the client's own channel (its replicas, its
 * credentials): a unary call, so it holds up no replica's drain the way an open Watch stream would.
 */
export function healthProbe(client: Client): ReadinessProbe {
  return () =>
    new Promise((resolve) => {
      client.makeUnaryRequest(check.path, check.requestSerialize, check.responseDeserialize, { service: '' }, new Metadata(), { deadline: Date.now() + probeTimeoutMs }, (error, response) => {
        if (error === null) resolve(response?.status === 'SERVING');
        else resolve(error.code === status.UNIMPLEMENTED ? undefined : false);
      });
    });
}
