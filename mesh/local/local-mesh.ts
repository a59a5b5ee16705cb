import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { peerAddressVariable } from '#kit/config/peer-address.js';
import { NatsCluster } from '#kit/process/nats-cluster.js';
import { NatsServer } from '#kit/process/nats-server.js';
import { freePort } from '#kit/process/ports.js';
import { authPort, edgeAdminPort, edgePort, externalSystems, meshServices, type MeshService } from '../policy/services.js';
import type { TlsFiles } from '#kit/grpc/mutual-tls.js';
import { localCertificates, tlsEnv } from './certificates.js';
import { nodeArguments, ownRuntime, repoRoot, type Runtime } from './entries.js';
import { compiledEntry, serviceEntry } from '../policy/runtime.js';
import { ServiceProcess } from './service-process.js';
import { Supervisor } from './supervisor.js';
import { defaultTracesPort } from './traces/trace-api.js';
import { startTraceServer, type RunningTraceServer } from './traces/trace-server.js';

export interface LocalMeshOptions {
  /** SQLite files and the nats-server store live here. */
  dataDir: string;
  /** Use this broker instead of starting a nats-server of our own. */
  natsUrl?: string | undefined;
  /** Port for the nats-server we start; a free one by default. */
  natsPort?: number | undefined;
  /** nats-servers to start as one JetStream cluster (streams then keep min(3, nodes) copies); 1 by default. */
  natsNodes?: number | undefined;
  /** `fixed`: the ports of mesh/policy/services.ts and the edge on :8080; `free`: any free ports (tests). */
  ports: 'fixed' | 'free';
  /** Processes per service (event consumers share their durable consumer); 1 by default. */
  replicas?: Readonly<Record<string, number>>;
  /** Store URL per service, or per replica (`mypage-2`); SQLite under dataDir by default. */
  databaseUrls?: Readonly<Record<string, string>>;
  /** Port of the trace store (OTLP/HTTP and its query API); 4318 with fixed ports, a free one otherwise. */
  tracesPort?: number | undefined;
  /** Extra environment for every process. */
  env?: Readonly<Record<string, string>>;
  /** Restart replicas that exit or fail liveness, as a kubelet does (supervisor.ts); off by default. */
  supervise?: boolean;
  /** Compiled JavaScript from `make build`, or TypeScript through tsx; what this runner itself runs as by default. */
  runtime?: Runtime;
  onLine: (label: string, line: string) => void;
}

interface Replica {
  process: ServiceProcess;
  grpcPort: number;
  adminPort: number;
  supervisor?: Supervisor;
}

/**
 * After a replica is ready again, how long a rollout waits before draining the next one: callers
 * reconnect to it within their reconnect backoff (channel-target.ts), as Kubernetes' minReadySeconds.
 */
const rolloutSettleMs = 1_500;

/**
 * The whole shop on one machine: a nats-server with JetStream, every service of
 * mesh/policy/services.ts (SQLite by default), the REST edge, and the trace store they all export
 * their spans to. Used by `make dev` and by the end-to-end tests, which stop, kill and restart
 * single services through it.
 */
export class LocalMesh {
  private constructor(
    private readonly options: LocalMeshOptions,
    readonly natsUrl: string,
    /** The nats-servers this mesh started (none with a broker of the caller's). */
    readonly natsNodes: readonly NatsServer[],
    private readonly replicas: Map<string, Replica[]>,
    /** The stand-ins of the external systems (the card processor), by name. */
    private readonly externals: Map<string, { process: ServiceProcess; url: string }>,
    readonly edge: ServiceProcess,
    readonly edgeUrl: string,
    /** The edge's admin port: /livez, /readyz, /metrics (the services' are adminUrl()). */
    readonly edgeAdminUrl: string,
    readonly auth: ServiceProcess,
    /** The token service's issuer URL. */
    readonly authUrl: string,
    /** A process's certificate, key and the mesh's CA: what a client needs to call a service as that process. */
    readonly tlsFiles: (name: string) => TlsFiles,
    private readonly traces: RunningTraceServer,
  ) {}

  /** The trace store every process exports its spans to; `GET /api/traces?orderId=<id>` finds an order's traces. */
  get tracesUrl(): string {
    return this.traces.url;
  }

  static async start(options: LocalMeshOptions): Promise<LocalMesh> {
    const runtime = options.runtime ?? ownRuntime;
    const entryOf = (source: string): string[] => nodeArguments(source, runtime);
    if (runtime === 'compiled' && !existsSync(join(repoRoot, compiledEntry(serviceEntry('edge'))))) {
      throw new Error('no compiled services under dist/: run `make build` first');
    }
    const dataDir = resolve(options.dataDir);
    const natsNodes = options.natsNodes ?? 1;
    // The broker and the certificates (services serve gRPC over mutual TLS and admit only the
    // callers of their call edges) are made side by side: neither needs the other.
    const natsStarting =
      options.natsUrl !== undefined
        ? undefined
        : natsNodes > 1
          ? NatsCluster.start({ nodes: natsNodes, storeDir: join(dataDir, 'nats'), ports: options.natsPort === undefined ? undefined : [options.natsPort] })
          : NatsServer.start({ storeDir: join(dataDir, 'nats'), port: options.natsPort });
    const certificates = localCertificates(dataDir, [...meshServices.map((service) => service.name), 'auth', 'edge']);
    const [nats, tlsFiles] = await Promise.all([natsStarting, certificates]);
    const natsUrl = options.natsUrl ?? nats?.url ?? '';
    const streamReplicas = options.natsUrl === undefined ? Math.min(3, natsNodes) : 1;
    // A port free a moment ago may come back from the next ask too: each process gets one of its own.
    const taken = new Set<number>();
    const freshPort = async (): Promise<number> => {
      for (;;) {
        const candidate = await freePort();
        if (!taken.has(candidate)) {
          taken.add(candidate);
          return candidate;
        }
      }
    };
    const port = async (fixed: number): Promise<number> => (options.ports === 'fixed' ? fixed : freshPort());
    const traces = await startTraceServer(join(dataDir, 'traces.sqlite'), options.tracesPort ?? (await port(defaultTracesPort)));

    const ports = new Map<string, { grpcPort: number; adminPort: number }[]>();
    for (const service of meshServices) {
      const list = [];
      for (let index = 0; index < (options.replicas?.[service.name] ?? 1); index += 1) {
        list.push({
          grpcPort: index === 0 ? await port(service.localGrpcPort) : await freshPort(),
          adminPort: index === 0 ? await port(service.localAdminPort) : await freshPort(),
        });
      }
      ports.set(service.name, list);
    }
    // Callers balance over every replica's address (round robin over the ready ones).
    const peers = Object.fromEntries(
      meshServices.map((service) => [
        peerAddressVariable(service.name),
        (ports.get(service.name) ?? []).map(({ grpcPort }) => `127.0.0.1:${grpcPort}`).join(','),
      ]),
    );
    const externals = new Map<string, { process: ServiceProcess; url: string }>();
    for (const system of externalSystems) {
      const systemPort = await port(system.localPort);
      const url = `http://127.0.0.1:${systemPort}`;
      externals.set(system.name, {
        url,
        process: new ServiceProcess({
          label: system.name,
          nodeArguments: entryOf(system.localEntry),
          readyUrl: `${url}/healthz`,
          onLine: options.onLine,
          env: { PROCESSOR_PORT: String(systemPort), PROCESSOR_DATABASE: join(dataDir, `${system.name}.sqlite`), ...options.env },
        }),
      });
    }
    const processorUrl = externals.get('card-processor')?.url ?? '';
    const common = {
      NATS_URL: natsUrl,
      OTEL_EXPORTER_OTLP_ENDPOINT: traces.url,
      EVENT_STREAM_REPLICAS: String(streamReplicas),
      FAULTS_ENABLED: 'true',
      PROCESSOR_URL: processorUrl,
      ...peers,
      ...options.env,
    };

    const replicas = new Map<string, Replica[]>();
    for (const service of meshServices) {
      const list = ports.get(service.name) ?? [];
      replicas.set(
        service.name,
        list.map(({ grpcPort, adminPort }, index) => ({
          grpcPort,
          adminPort,
          process: new ServiceProcess({
            label: list.length > 1 ? `${service.name}-${index + 1}` : service.name,
            nodeArguments: entryOf(serviceEntry(service.name)),
            readyUrl: `http://127.0.0.1:${adminPort}/readyz`,
            onLine: options.onLine,
            env: {
              ...common,
              ...tlsEnv(tlsFiles(service.name)),
              GRPC_PORT: String(grpcPort),
              ADMIN_PORT: String(adminPort),
              DATABASE_URL: databaseUrl(service, index, dataDir, options.databaseUrls),
            },
          }),
        })),
      );
    }
    const authHttpPort = await port(authPort);
    const authUrl = `http://127.0.0.1:${authHttpPort}`;
    const auth = new ServiceProcess({
      label: 'auth',
      nodeArguments: entryOf(serviceEntry('auth')),
      readyUrl: `${authUrl}/readyz`,
      onLine: options.onLine,
      env: { ...common, ...tlsEnv(tlsFiles('auth')), AUTH_PORT: String(authHttpPort), AUTH_ISSUER: authUrl, AUTH_DATA_DIR: join(dataDir, 'auth') },
    });
    const httpPort = await port(edgePort);
    const edgeAdmin = await port(edgeAdminPort);
    const edge = new ServiceProcess({
      label: 'edge',
      nodeArguments: entryOf(serviceEntry('edge')),
      readyUrl: `http://127.0.0.1:${httpPort}/readyz`,
      onLine: options.onLine,
      env: { ...common, ...tlsEnv(tlsFiles('edge')), EDGE_PORT: String(httpPort), EDGE_ADMIN_PORT: String(edgeAdmin), AUTH_ISSUER: authUrl },
    });

    const started = nats === undefined ? [] : nats instanceof NatsCluster ? nats.nodes : [nats];
    const mesh = new LocalMesh(options, natsUrl, started, replicas, externals, edge, `http://127.0.0.1:${httpPort}`, `http://127.0.0.1:${edgeAdmin}`, auth, authUrl, tlsFiles, traces);
    try {
      // In waves, one replica of every service at a time: a dozen processes starting at once on a
      // small machine can outlast the readiness timeout. The first wave also starts the card
      // processor, the token service and the edge, which call the services only when asked to.
      const waves = Math.max(...[...replicas.values()].map((list) => list.length));
      for (let wave = 0; wave < waves; wave += 1) {
        const others = wave === 0 ? [...[...externals.values()].map((external) => external.process), auth, edge] : [];
        await Promise.all([...[...replicas.values()].flatMap((list) => list[wave]?.process ?? []), ...others].map((starting) => starting.start()));
      }
    } catch (error) {
      await mesh.stop();
      throw error;
    }
    if (options.supervise === true) {
      for (const replica of [...replicas.values()].flat()) {
        replica.supervisor = new Supervisor(replica.process, {
          livezUrl: `http://127.0.0.1:${replica.adminPort}/livez`,
          log: (line) => { options.onLine('mesh', line); },
        });
      }
    }
    return mesh;
  }

  /** How many processes run `service`. */
  replicaCount(service: string): number {
    return this.replicas.get(service)?.length ?? 0;
  }

  /**
   * A rolling restart of every replica of every service, one at a time: SIGTERM (the replica
   * drains: not ready, GOAWAY to its callers, in-flight calls finish), start it again on the same
   * ports, wait until it is ready and its callers are back, then the next.
   */
  async rollout(onStep: (line: string) => void): Promise<void> {
    for (const replica of [...this.replicas.values()].flat()) {
      const { label } = replica.process.spec;
      const before = replica.process.pid;
      onStep(`rollout: draining ${label} (pid ${String(before)})`);
      await replica.process.stop();
      await replica.process.start();
      await new Promise((resolve) => setTimeout(resolve, rolloutSettleMs));
      onStep(`rollout: ${label} replaced (pid ${String(before)} -> ${String(replica.process.pid)})`);
    }
  }

  /** host:port of a service's gRPC server (first replica unless told). */
  grpcAddress(service: string, replica = 0): string {
    return `127.0.0.1:${this.replica(service, replica).grpcPort}`;
  }

  adminUrl(service: string, replica = 0): string {
    return `http://127.0.0.1:${this.replica(service, replica).adminPort}`;
  }

  process(service: string, replica = 0): ServiceProcess {
    return this.replica(service, replica).process;
  }

  /** Every process of the mesh, the token service and the edge last. */
  processes(): ServiceProcess[] {
    return [...[...this.replicas.values()].flat().map((replica) => replica.process), this.auth, this.edge];
  }

  /** The staff clients' secrets the token service made (never committed): what `make token` reads. */
  get staffClientsFile(): string {
    return staffClientsFile(this.dataDir);
  }

  /** The token service's signing keys, newest first (services/auth/src/signing-keys.ts). */
  get signingKeysFile(): string {
    return join(this.dataDir, 'auth', 'signing-keys.json');
  }

  /** Base URL of an external system's stand-in, e.g. the card processor's. */
  externalUrl(name: string): string {
    return this.external(name).url;
  }

  externalProcess(name: string): ServiceProcess {
    return this.external(name).process;
  }

  async stop(): Promise<void> {
    for (const replica of [...this.replicas.values()].flat()) replica.supervisor?.stop();
    await this.edge.stop();
    await this.auth.stop();
    await Promise.all([...this.replicas.values()].flat().map((replica) => replica.process.stop()));
    await Promise.all([...this.externals.values()].map((external) => external.process.stop()));
    await Promise.all(this.natsNodes.map((node) => node.pause()));
    await this.traces.close();
  }

  get dataDir(): string {
    return resolve(this.options.dataDir);
  }

  private external(name: string): { process: ServiceProcess; url: string } {
    const external = this.externals.get(name);
    if (external === undefined) throw new Error(`no external system ${name} in this mesh`);
    return external;
  }

  private replica(service: string, index: number): Replica {
    const replica = this.replicas.get(service)?.[index];
    if (replica === undefined) throw new Error(`no replica ${index} of ${service} in this mesh`);
    return replica;
  }
}

/** Where the local mesh's token service keeps its staff clients' secrets. */
export function staffClientsFile(dataDir: string): string {
  return join(resolve(dataDir), 'auth', 'staff-clients.json');
}

function databaseUrl(service: MeshService, replica: number, dataDir: string, urls: LocalMeshOptions['databaseUrls']): string {
  // A replica-local store needs a URL per replica (`mypage-2`); a shared one, one per service.
  const configured = urls?.[`${service.name}-${String(replica + 1)}`] ?? urls?.[service.name];
  if (configured !== undefined) return configured;
  // A read model is rebuilt per replica from the stream; owned data is shared by the replicas.
  const file = service.stateful === 'replica-local' ? `${service.name}-${replica + 1}.sqlite` : `${service.name}.sqlite`;
  return `sqlite://${join(dataDir, file)}`;
}
