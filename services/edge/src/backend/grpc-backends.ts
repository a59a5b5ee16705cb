import { fromBinary, toBinary, type Message } from '@bufbuild/protobuf';
import { Client, Metadata, type ServiceError } from '@grpc/grpc-js';
import { clientCredentials } from '#kit/grpc/mutual-tls.js';
import type { Route } from '../routing/route-table.js';

/** Where one gRPC service is served, and the deadline a call gets when the client asks for none. */
export interface GrpcBackend {
  grpcService: string;
  address: string;
  deadlineMs: number;
}

export type UnaryOutcome = { ok: true; response: Message; headers: Metadata } | { ok: false; error: ServiceError; headers: Metadata };

/**
 * Generic unary calls to the mesh's gRPC services: the request and response are (de)serialized
 * from the descriptors, so no generated client is needed for any service. One channel per address.
 */
export class GrpcBackends {
  private readonly clients = new Map<string, Client>();
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

  /** One call; `cancel` aborts it (the HTTP client went away). */
  call(route: Pick<Route, 'method' | 'grpcPath'>, request: Message, metadata: Metadata, deadline: Date, cancel: AbortSignal): Promise<UnaryOutcome> {
    const client = this.client(this.backendOf(route).address);
    return new Promise((resolve) => {
      let headers = new Metadata();
      const call = client.makeUnaryRequest<Message, Message>(
        route.grpcPath,
        (message) => Buffer.from(toBinary(route.method.input, message)),
        (bytes) => fromBinary(route.method.output, bytes),
        request,
        metadata,
        { deadline },
        (error, response) => {
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

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private client(address: string): Client {
    let client = this.clients.get(address);
    if (client === undefined) {
      client = new Client(address, clientCredentials());
      this.clients.set(address, client);
    }
    return client;
  }
}
