import { status, type ChannelCredentials, type Client, type ClientOptions } from '@grpc/grpc-js';
import { callPolicy, type CallPolicy } from '../../../../mesh/policy/resilience.js';
import { currentCallContext } from '../context/call-context.js';
import { type Logger } from '../log/log.js';
import { outgoingMetadata } from './call-metadata.js';
import { clientCalls } from './call-metrics.js';
import { channelTarget } from './channel-target.js';
import { describeFailure } from './call-failure.js';
import { deadlineOnly, inProcessResilience } from './call-resilience.js';
import { healthProbe } from './health-probe.js';
import { clientCredentials } from './mutual-tls.js';
import { startClientSpan } from '../telemetry/rpc-spans.js';

/** What the kit reads of one method of a generated service definition. */
interface MethodShape {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestSerialize: (value: never) => Buffer;
  responseDeserialize: (bytes: Buffer) => unknown;
}

export type ServiceShape<S> = { [K in keyof S]: MethodShape };

interface UnaryMethod<Req, Res> extends MethodShape {
  requestSerialize: (value: Req) => Buffer;
  responseDeserialize: (bytes: Buffer) => Res;
}

/** A ts-proto generated client class, such as CatalogServiceClient. */
export interface GeneratedClientConstructor<S extends ServiceShape<S>> {
  new (address: string, credentials: ChannelCredentials, options?: Partial<ClientOptions>): Client;
  service: S;
}

export type UnaryMethodName<S> = {
  [K in keyof S & string]: S[K] extends { requestStream: false; responseStream: false } ? K : never;
}[keyof S & string];
export type RequestOf<M> = M extends { requestSerialize: (value: infer R) => Buffer } ? R : never;
export type ResponseOf<M> = M extends { responseDeserialize: (bytes: Buffer) => infer R } ? R : never;

export interface GrpcClient<S> {
  /** Fails with a GrpcError whose message names the callee; never waits past the policy's deadline. */
  call<K extends UnaryMethodName<S>>(method: K, request: RequestOf<S[K]>): Promise<ResponseOf<S[K]>>;
  close(): void;
}

export interface GrpcClientOptions {
  caller: string;
  callee: string;
  /** host:port (a DNS name in a cluster), or a comma-separated list of replicas (channel-target.ts). */
  address: string;
  /** Retries and a circuit breaker in this process; off in a cluster, where Istio does both. */
  inProcessResilience: boolean;
  log: Logger;
  /** Defaults to the caller -> callee edge of mesh/policy/resilience.ts. */
  policy?: CallPolicy;
}

export function createGrpcClient<S extends ServiceShape<S>>(
  Generated: GeneratedClientConstructor<S>,
  options: GrpcClientOptions,
): GrpcClient<S> {
  const { caller, callee, address } = options;
  const policy = options.policy ?? callPolicy(caller, callee);
  const log = options.log.child({ component: 'grpc-client', callee });
  const { target, options: channelOptions } = channelTarget(address);
  const client = new Generated(target, clientCredentials(), channelOptions);
  const runner = options.inProcessResilience ? inProcessResilience(caller, callee, policy, log, healthProbe(client)) : deadlineOnly(policy);

  return {
    call<K extends UnaryMethodName<S>>(method: K, request: RequestOf<S[K]>): Promise<ResponseOf<S[K]>> {
      // RequestOf and ResponseOf are read from this very definition, which TypeScript cannot see through.
      const { path, requestSerialize, responseDeserialize } = Generated.service[method] as unknown as UnaryMethod<RequestOf<S[K]>, ResponseOf<S[K]>>;
      const metadata = outgoingMetadata(currentCallContext());
      const calls = clientCalls(path);
      return runner.run(
        (timeoutMs) =>
          new Promise<ResponseOf<S[K]>>((resolve, reject) => {
            const started = calls.started();
            // One client span per attempt, each the parent of the server span it reaches.
            const span = startClientSpan(path, metadata);
            client.makeUnaryRequest(path, requestSerialize, responseDeserialize, request, span.metadata, { deadline: Date.now() + timeoutMs }, (error, response) => {
              calls.handled(error?.code ?? status.OK, started);
              span.end(error?.code ?? status.OK, error?.details);
              if (error === null) {
                // grpc-js passes a response whenever it passes no error.
                resolve(response as ResponseOf<S[K]>);
                return;
              }
              const failure = describeFailure(callee, error, timeoutMs);
              if (failure.message !== error.details) log.warn({ method, code: error.code, transport: error.details }, failure.message);
              reject(failure);
            });
          }),
        calls.refused,
      );
    },
    close() {
      runner.close();
      client.close();
    },
  };
}
