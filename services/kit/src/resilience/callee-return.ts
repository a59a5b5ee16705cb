import { setTimeout as sleep } from 'node:timers/promises';
import type { IBackoff, IBackoffFactory } from 'cockatiel';

/** Whether the callee serves now: true ready, false not ready or unreachable, undefined cannot tell. */
export type ReadinessProbe = () => Promise<boolean | undefined>;

/** How often an open circuit's callee is asked whether it is ready again. */
const pollMs = 100;

/**
 * Watches a callee whose circuit is open, so the circuit half-opens as soon as the callee is ready
 * again instead of after a fixed time. "Again" matters: a callee that reports ready all along while
 * its calls fail (too slow, broken) gets no early trial, only the policy's ejection time.
 */
export class CalleeReturn {
  private session = 0;
  private back = false;

  constructor(
    private readonly probe: ReadinessProbe,
    private readonly onBack: () => void,
  ) {}

  get isBack(): boolean {
    return this.back;
  }

  /** The circuit opened: watch for the callee to be down, then ready. */
  watch(): void {
    this.session += 1;
    this.back = false;
    void this.poll(this.session);
  }

  /** The circuit closed (or the client did): stop asking. */
  stop(): void {
    this.session += 1;
    this.back = false;
  }

  /**
   * The circuit's wait before a trial call: none once the callee is back, else `ejectionMs` (the
   * fallback for a callee whose readiness cannot be told). Read at every call while open.
   */
  halfOpenAfter(ejectionMs: number): IBackoffFactory<unknown> {
    const isBack = (): boolean => this.back;
    const backoff: IBackoff<unknown> = {
      get duration() {
        return isBack() ? 0 : ejectionMs;
      },
      next: () => backoff,
    };
    return backoff;
  }

  private async poll(session: number): Promise<void> {
    let sawDown = false;
    while (session === this.session) {
      const ready = await this.probe();
      if (session !== this.session) return;
      if (ready === false) sawDown = true;
      if (ready === true && sawDown) {
        this.back = true;
        this.onBack();
        return;
      }
      await sleep(pollMs, undefined, { ref: false });
    }
  }
}
