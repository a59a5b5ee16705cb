import type { Logger } from '#kit/log/log.js';
import type { PaymentSettlement } from './payment-settlement.js';
import type { Clock, PaymentStore } from './ports.js';

export interface SettlerOptions {
  store: PaymentStore;
  settlement: PaymentSettlement;
  clock: Clock;
  log: Logger;
  /** How often it looks for due work. */
  intervalMs: number;
}

/** How many payments one round settles; the rest wait for the next round. */
const batch = 20;

/**
 * The background settler: PENDING payments are charged again (with backoff, see nextAttempt) and
 * due refunds made, until the processor answers. Replicas may run one each: the idempotency keys
 * make a payment settled twice at once charge and refund once.
 */
export class Settler {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: SettlerOptions) {}

  start(): void {
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.round;
  }

  /** Settles what is due now; returns how many payments it looked at. */
  async settleDue(): Promise<number> {
    const { store, settlement, clock } = this.options;
    const due = await store.dueOrders(clock.now(), batch);
    for (const { orderId, inItsTrace } of due) {
      if (this.stopped) break;
      await inItsTrace(async () => {
        const payment = await settlement.refundIfDue(orderId);
        if (payment.state === 'PENDING') await settlement.attemptCharge(orderId);
      });
    }
    return due.length;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.settleDue().then(
        () => undefined,
        (error: unknown) => { this.options.log.warn({ err: error }, 'settling payments failed; trying again'); },
      ).finally(() => { this.schedule(); });
    }, this.options.intervalMs);
  }
}
