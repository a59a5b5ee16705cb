import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { killWithParent } from './child-processes.js';
import { freePort, waitFor } from './ports.js';

/** Where initdb and postgres are: POSTGRES_BIN, else Debian's newest /usr/lib/postgresql/<major>/bin. */
export function postgresBinaries(): string {
  const configured = process.env.POSTGRES_BIN;
  if (configured !== undefined && configured !== '') return configured;
  for (const major of [17, 16, 15, 14, 13]) {
    const dir = `/usr/lib/postgresql/${String(major)}/bin`;
    if (existsSync(join(dir, 'initdb'))) return dir;
  }
  throw new Error('PostgreSQL server binaries not found: run `make deps` (installs postgresql) or set POSTGRES_BIN');
}

/** initdb refuses root: as root, the cluster's folder and processes belong to the `postgres` user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const [uid, gid] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim()));
  if (uid === undefined || gid === undefined || Number.isNaN(uid) || Number.isNaN(gid)) throw new Error('running as root needs a `postgres` user to run PostgreSQL as');
  return { uid, gid };
}

/**
 * A PostgreSQL server of our own (never the machine's shared one): a fresh cluster in a temp folder,
 * on a free port, trust auth for the `postgres` role. Its postmaster can be SIGKILLed and started
 * again on the same folder and port, to test the store's crash and recovery.
 */
export class PostgresServer {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly dataDir: string,
    private readonly owner: { uid: number; gid: number } | undefined,
  ) {}

  /** The admin database's URL; databaseUrl() names another. */
  get url(): string {
    return this.databaseUrl('postgres');
  }

  databaseUrl(database: string): string {
    return `postgres://postgres@127.0.0.1:${String(this.port)}/${database}`;
  }

  /** The postmaster's pid while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  static async start(options: { port?: number } = {}): Promise<PostgresServer> {
    const owner = runAs();
    const dataDir = mkdtempSync(join(tmpdir(), 'bookstore-postgres-'));
    if (owner !== undefined) chownSync(dataDir, owner.uid, owner.gid);
    execFileSync(join(postgresBinaries(), 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync'], {
      stdio: 'ignore',
      cwd: dataDir,
      ...owner,
    });
    const server = new PostgresServer(options.port ?? (await freePort()), dataDir, owner);
    await server.resume();
    return server;
  }

  /**
   * Starts the postmaster (again) on the same folder and port, once it may: after a SIGKILL the
   * old postmaster's backends still hold its shared memory until they notice it died.
   */
  async resume(): Promise<void> {
    if (this.child !== undefined) return;
    let stderr = '';
    const started = waitFor(async () => {
      if (this.child === undefined) {
        const child = this.spawnPostmaster();
        child.stderr?.on('data', (chunk: Buffer) => {
          stderr = (stderr + chunk.toString()).slice(-2000);
        });
        child.once('exit', () => {
          if (this.child === child) this.child = undefined;
        });
        this.child = child;
      }
      return this.accepts();
    }, `postgres on ${String(this.port)}`, 60_000, 200);
    await started.catch((error: unknown) => {
      throw new Error(`${String(error)}: ${stderr}`);
    });
  }

  /** SIGKILL of the postmaster, as in a crash; the folder stays for resume(). */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** Fast shutdown, and the folder removed. */
  async stop(): Promise<void> {
    await this.signal('SIGINT');
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Makes an empty database and returns its URL. */
  async createDatabase(name: string): Promise<string> {
    const admin = new pg.Client({ connectionString: this.url });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${name}"`);
    } finally {
      await admin.end();
    }
    return this.databaseUrl(name);
  }

  private spawnPostmaster(): ChildProcess {
    // fsync off: what is killed here is the server, not the machine, and the OS keeps what it wrote;
    // crash recovery is then seconds faster on a busy test machine.
    const settings = ['listen_addresses=127.0.0.1', 'shared_buffers=16MB', 'max_connections=200', 'fsync=off'];
    const args = ['-D', this.dataDir, '-p', String(this.port), '-k', this.dataDir, ...settings.flatMap((setting) => ['-c', setting])];
    // Its own process group, so a Ctrl-C meant for the runner does not stop the store under the services.
    const child = spawn(join(postgresBinaries(), 'postgres'), args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true, cwd: this.dataDir, ...this.owner });
    killWithParent(child);
    return child;
  }

  private async accepts(): Promise<boolean> {
    if (this.child === undefined) return false;
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
    child.kill(signal);
    await exited;
    this.child = undefined;
  }
}
