import { fromBinary, toBinary, type Message } from '@bufbuild/protobuf';
import { Client, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { clientCalls } from '#kit/grpc/call-metrics.js';
import { codeOf } from '#kit/grpc/call-resilience.js';
import { channelTarget } from '#kit/grpc/channel-target.js';
import { clientCredentials } from '#kit/grpc/mutual-tls.js';
import { startClientSpan } from '#kit/telemetry/rpc-spans.js';
import type { CallPolicy } from '../../../../mesh/policy/resilience.js';
import type { Route } from '../routing/route-table.js';

/**
 * Where one gRPC service is served, the mesh service serving it (named in failures), the deadline a
 * call gets when the client asks for none, and the edge -> service retries of mesh/policy.
 */
export interface GrpcBackend {
  grpcService: string;
  callee: string;
  address: string;
  deadlineMs: number;
  retries: CallPolicy['retries'];
}

export type UnaryOutcome = { ok: true; response: Message; headers: Metadata } | { ok: false; error: ServiceError; headers: Metadata };

/**
 * Generic unary calls to the mesh's gRPC services: the request and response are (de)serialized
 * from the descriptors, so no generated client is needed for any service. One channel per address.
 * Each try is counted in grpc_client_* as the kit's client counts its tries (call-metrics.ts).
 */
export class GrpcBackends {
  private readonly clients = new Map<string, Client>();
  private readonly retryCodes = new WeakMap<GrpcBackend['retries'], ReadonlySet<number>>();
  private readonly byService: ReadonlyMap<string, GrpcBackend>;

  constructor(backends: readonly GrpcBackend[]) {
    this.byService = new Map(backends.map((backend) => [backend.grpcService, backend]));
  }

  get services(): string[] {
    return [...this.byService.keys()];
  }

  backendOf(route: Pick<Route, 'method'>): GrpcBackend {
    const backend = this.byService.get(route.method.parent.typeName);
    if (backend === undefined) throw new Error(`no backend address for ${route.method.parent.typeName}`);
    return backend;
  }

  /**
   * One call, retried as the policy says (a replica that was draining or gone: UNAVAILABLE) while
   * the deadline allows, each try bounded by the per-try timeout; `cancel` aborts it (the HTTP
   * client went away). The edge is the only layer that retries a REST call's gRPC call.
   */
  async call(route: Pick<Route, 'method' | 'grpcPath'>, request: Message, metadata: Metadata, deadline: Date, cancel: AbortSignal): Promise<UnaryOutcome> {
    const { retries } = this.backendOf(route);
    const retryCodes = this.retryCodesOf(retries);
    for (let retry = 0; ; retry += 1) {
      const tryDeadline = new Date(Math.min(deadline.getTime(), Date.now() + retries.perTryTimeoutMs));
      const outcome = await this.tryOnce(route, request, metadata, tryDeadline, cancel);
      const pauseMs = Math.min(250, 25 * 2 ** retry);
      const again = !outcome.ok && retryCodes.has(outcome.error.code) && retry < retries.attempts && !cancel.aborted && Date.now() + pauseMs < deadline.getTime();
      if (!again) return outcome;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }

  private tryOnce(route: Pick<Route, 'method' | 'grpcPath'>, request: Message, metadata: Metadata, deadline: Date, cancel: AbortSignal): Promise<UnaryOutcome> {
    const client = this.client(this.backendOf(route).address);
    const calls = clientCalls(route.grpcPath);
    const span = startClientSpan(route.grpcPath, metadata);
    return new Promise((resolve) => {
      let headers = new Metadata();
      const started = calls.started();
      const call = client.makeUnaryRequest<Message, Message>(
        route.grpcPath,
        (message) => Buffer.from(toBinary(route.method.input, message)),
        (bytes) => fromBinary(route.method.output, bytes),
        request,
        span.metadata,
        { deadline },
        (error, response) => {
          calls.handled(error?.code ?? status.OK, started);
          span.end(error?.code ?? status.OK, error?.details);
          if (error !== null) resolve({ ok: false, error, headers });
          else if (response !== undefined) resolve({ ok: true, response, headers });
        },
      );
      call.on('metadata', (received: Metadata) => {
        headers = received;
      });
      cancel.addEventListener('abort', () => {
        call.cancel();
      }, { once: true });
    });
  }

  private retryCodesOf(retries: GrpcBackend['retries']): ReadonlySet<number> {
    let codes = this.retryCodes.get(retries);
    if (codes === undefined) {
      codes = new Set<number>(retries.retryOn.map((name) => codeOf[name]));
      this.retryCodes.set(retries, codes);
    }
    return codes;
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private client(address: string): Client {
    let client = this.clients.get(address);
    if (client === undefined) {
      const { target, options } = channelTarget(address);
      client = new Client(target, clientCredentials(), options);
      this.clients.set(address, client);
    }
    return client;
  }
}
