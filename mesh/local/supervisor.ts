import type { ProcessExit, ServiceProcess } from './service-process.js';

export interface SupervisorOptions {
  /** GET here answers 200 while the process is alive (the admin port's /livez). */
  livezUrl: string;
  /** Says what the supervisor did and why, in the runner's log. */
  log: (line: string) => void;
  /** Between liveness probes; a probe that takes longer than this failed too. */
  probeEveryMs?: number;
  /** Consecutive failed probes that get the process killed and replaced. */
  failureThreshold?: number;
  /** First restart delay, doubled after each restart that did not get the process ready, up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * The local mesh's kubelet for one replica: restarts it when it exits without being asked to, and
 * kills and replaces it when its liveness probe fails `failureThreshold` times in a row (a stuck
 * event loop does not answer in time; a zombie answers 503). Restarts back off while they fail.
 */
export class Supervisor {
  private readonly probeEveryMs: number;
  private readonly failureThreshold: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private failures = 0;
  private nextBackoffMs: number;
  private restarting = false;
  private probing = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly replica: ServiceProcess,
    private readonly options: SupervisorOptions,
  ) {
    this.probeEveryMs = options.probeEveryMs ?? 1_000;
    this.failureThreshold = options.failureThreshold ?? 3;
    this.backoffMs = options.backoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.nextBackoffMs = this.backoffMs;
    replica.onExit((exit) => {
      this.exited(exit);
    });
    this.timer = setInterval(() => {
      void this.probe();
    }, this.probeEveryMs);
    this.timer.unref();
  }

  /** Ends supervision (the mesh is stopping). */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private get label(): string {
    return this.replica.spec.label;
  }

  private exited({ code, signal, asked }: ProcessExit): void {
    if (asked || this.stopped || this.restarting) return;
    this.options.log(`supervisor: ${this.label} exited (${signal ?? `code ${String(code)}`}) without being asked to; restarting it`);
    void this.restart();
  }

  private async probe(): Promise<void> {
    if (this.stopped || this.restarting || this.probing || !this.replica.ready) return;
    this.probing = true;
    try {
      await this.probeOnce();
    } finally {
      this.probing = false;
    }
  }

  private async probeOnce(): Promise<void> {
    const problem = await fetch(this.options.livezUrl, { signal: AbortSignal.timeout(this.probeEveryMs) }).then(
      async (response) => (response.ok ? undefined : `answered ${response.status}: ${(await response.text()).trim()}`),
      (error: unknown) => (error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${this.probeEveryMs} ms` : 'no answer'),
    );
    if (problem === undefined) {
      this.failures = 0;
      return;
    }
    this.failures += 1;
    this.options.log(`supervisor: ${this.label} liveness failed (${this.failures}/${this.failureThreshold}): ${problem}`);
    if (this.failures < this.failureThreshold) return;
    this.options.log(`supervisor: ${this.label} failed liveness ${this.failureThreshold} times in a row; killing and replacing it`);
    this.restarting = true;
    await this.replica.kill();
    this.restarting = false;
    await this.restart();
  }

  private async restart(): Promise<void> {
    this.restarting = true;
    this.failures = 0;
    for (;;) {
      const delay = this.nextBackoffMs;
      this.nextBackoffMs = Math.min(this.maxBackoffMs, this.nextBackoffMs * 2);
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.stopped) break;
      try {
        await this.replica.start();
        this.options.log(`supervisor: ${this.label} is ready again (pid ${String(this.replica.pid)})`);
        this.nextBackoffMs = this.backoffMs;
        break;
      } catch (error) {
        this.options.log(`supervisor: ${this.label} did not start: ${error instanceof Error ? error.message : String(error)}; next try in ${this.nextBackoffMs} ms`);
        await this.replica.kill();
      }
    }
    this.restarting = false;
  }
}
