import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { killWithParent } from '#kit/process/child-processes.js';
import { waitFor } from '#kit/process/ports.js';
import { nodeEnvironment } from './entries.js';

export interface ServiceProcessSpec {
  /** Shown before every log line: catalog, order-2, edge. */
  label: string;
  /** Node's arguments: the entry, with a loader before it when it is TypeScript (entries.ts). */
  nodeArguments: string[];
  env: Record<string, string>;
  /** GET here answers 200 once the process serves. */
  readyUrl: string;
  onLine: (label: string, line: string) => void;
}

/** How often a starting process's readiness is asked: the mesh is ready as soon as its last process is, not up to a tenth of a second later. */
const readinessPollMs = 25;

/** How a process ended: asked to (stop), or not (a crash, a kill -9, a liveness kill). */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  asked: boolean;
}

/** One service of the local mesh as a child process that can be stopped, killed and started again. */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private exitCode: number | null = null;
  private stopping = false;
  private readyChild: ChildProcess | undefined;
  private readonly exitListeners = new Set<(exit: ProcessExit) => void>();

  constructor(readonly spec: ServiceProcessSpec) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Started and answered its readiness probe once since. */
  get ready(): boolean {
    return this.child !== undefined && this.readyChild === this.child;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Called on every exit, with whether stop() asked for it (a supervisor restarts the others). */
  onExit(listener: (exit: ProcessExit) => void): void {
    this.exitListeners.add(listener);
  }

  // Every service of a fresh clone starting at once on two cores (under tsx, transforming each from a
  // cold cache) can take a minute to get ready; one that never does still fails the start.
  // `env` adds to the spec's for this start only (e.g. MYPAGE_REBUILD for one rebuild).
  async start(readyTimeoutMs = 120_000, env: Readonly<Record<string, string>> = {}): Promise<void> {
    if (this.child !== undefined) return;
    const child = spawn(process.execPath, this.spec.nodeArguments, {
      env: { ...process.env, ...nodeEnvironment, ...this.spec.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A process group of its own: Ctrl-C reaches only the runner, which stops services in order.
      detached: true,
    });
    killWithParent(child);
    this.child = child;
    this.exitCode = null;
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.spec.onLine(this.spec.label, line);
      });
    }
    child.once('exit', (code, signal) => {
      this.exitCode = code;
      if (this.child === child) this.child = undefined;
      const asked = this.stopping;
      this.stopping = false;
      for (const listener of this.exitListeners) listener({ code, signal, asked });
    });
    await waitFor(
      async () => {
        if (this.child !== child) throw new Error(`${this.spec.label} exited with code ${String(this.exitCode)} while starting`);
        const response = await fetch(this.spec.readyUrl);
        return response.ok;
      },
      `${this.spec.label} to be ready at ${this.spec.readyUrl}`,
      readyTimeoutMs,
      readinessPollMs,
    );
    this.readyChild = child;
  }

  /** SIGTERM and wait: the service drains (graceful shutdown); SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.child !== undefined) this.stopping = true;
    await this.signal('SIGTERM', graceMs);
  }

  /** SIGKILL: the process dies mid-work, as in a crash. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL', 0);
  }

  private async signal(signal: NodeJS.Signals, graceMs: number): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
    child.kill(signal);
    const timer = graceMs > 0 ? setTimeout(() => child.kill('SIGKILL'), graceMs) : undefined;
    await exited;
    if (timer !== undefined) clearTimeout(timer);
    this.child = undefined;
  }
}
