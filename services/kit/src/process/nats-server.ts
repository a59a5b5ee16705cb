import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killWithParent } from './child-processes.js';
import { freePort, waitFor } from './ports.js';

/** Where nats-server is: NATS_SERVER_BIN, then PATH, then Debian's /usr/sbin. */
export function natsServerBinary(): string {
  const configured = process.env.NATS_SERVER_BIN;
  if (configured !== undefined && configured !== '') return configured;
  for (const dir of (process.env.PATH ?? '').split(':').concat('/usr/sbin', '/usr/local/bin')) {
    const candidate = join(dir, 'nats-server');
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  throw new Error('nats-server not found: run `make deps` (installs the nats-server OS package) or set NATS_SERVER_BIN');
}

/**
 * A nats-server with JetStream of our own, on free ports, with its own store folder. It can be
 * stopped and started again on the same port and store, to test broker loss and recovery.
 */
/** This server as one node of a JetStream cluster (nats-cluster.ts). */
export interface ClusterMembership {
  name: string;
  serverName: string;
  /** Port this node listens on for routes. */
  port: number;
  /** Route ports of every node (its own included: nats-server ignores a route to itself). */
  routePorts: readonly number[];
}

export class NatsServer {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly monitorPort: number,
    readonly storeDir: string,
    private readonly ownsStore: boolean,
    private readonly cluster: ClusterMembership | undefined,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** The running server's process id (what `make bench` reads its memory and CPU from). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  static async start(options: { storeDir?: string; port?: number; cluster?: ClusterMembership } = {}): Promise<NatsServer> {
    const storeDir = options.storeDir ?? mkdtempSync(join(tmpdir(), 'bookstore-nats-'));
    const server = new NatsServer(options.port ?? (await freePort()), await freePort(), storeDir, options.storeDir === undefined, options.cluster);
    await server.resume();
    return server;
  }

  /** Starts (again) on the same port and store. */
  async resume(): Promise<void> {
    if (this.child !== undefined) return;
    const args = ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-m', String(this.monitorPort), '-sd', this.storeDir, ...clusterArgs(this.cluster)];
    // Its own process group, so a Ctrl-C meant for the runner does not stop the broker under the services.
    const child = spawn(natsServerBinary(), args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    killWithParent(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    await waitFor(async () => {
      if (this.child !== child) throw new Error(`nats-server exited: ${stderr}`);
      const response = await fetch(`http://127.0.0.1:${this.monitorPort}/healthz?js-enabled-only=true`);
      return response.ok;
    }, `nats-server on ${this.port}`);
  }

  /** Stops the server (SIGTERM, then SIGKILL), keeping its store for a later resume(). */
  async pause(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    const exited = new Promise<void>((r) => child.once('exit', () => { r(); }));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    this.child = undefined;
  }

  /** SIGKILL: the server dies as in a crash, keeping its store for a later resume(). */
  async kill(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    const exited = new Promise<void>((r) => child.once('exit', () => { r(); }));
    child.kill('SIGKILL');
    await exited;
    this.child = undefined;
  }

  async stop(): Promise<void> {
    await this.pause();
    if (this.ownsStore) rmSync(this.storeDir, { recursive: true, force: true });
  }
}

function clusterArgs(cluster: ClusterMembership | undefined): string[] {
  if (cluster === undefined) return [];
  return [
    '--server_name', cluster.serverName,
    '--cluster_name', cluster.name,
    '--cluster', `nats://127.0.0.1:${cluster.port}`,
    '--routes', cluster.routePorts.map((port) => `nats://127.0.0.1:${port}`).join(','),
  ];
}
