/**
 * The one connection of a SQLite store as knex's pool: lent to one user at a time (a transaction,
 * a query), the others queued in order. SQLite has one writer, and better-sqlite3 runs each
 * statement synchronously, so one connection is all a process needs. knex's own pool (tarn) made
 * every acquire a pending operation with a timer of its own, even when the connection was free:
 * a third of the cost of a kit store transaction before its statements (make profile, the
 * CreateBook bench). Here a free connection is lent at once, and only a user that has to wait gets
 * a timer, so a transaction that never ends fails its waiters instead of hanging them.
 */
export interface Lendable {
  /** knex marks a connection it saw fail; it is closed and a new one opened for the next user. */
  __knex__disposed?: unknown;
}

interface Waiter {
  lend: () => void;
  timer: NodeJS.Timeout;
}

export class OneConnectionPool<C extends Lendable> {
  private connection: Promise<C> | undefined;
  private lent = false;
  private readonly waiting: Waiter[] = [];
  private destroyed = false;

  constructor(
    private readonly open: () => Promise<C>,
    private readonly close: (connection: C) => Promise<void>,
    private readonly waitLimitMs: number,
  ) {}

  /** The connection once it is this caller's turn (tarn's interface, which knex calls). */
  acquire(): { promise: Promise<C> } {
    if (this.destroyed) return { promise: Promise.reject(new Error('the store is closed')) };
    if (!this.lent) {
      this.lent = true;
      return { promise: this.current() };
    }
    const turn = new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        lend: resolve,
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          reject(new Error(`the store's connection was busy for ${this.waitLimitMs} ms: a transaction holds it`));
        }, this.waitLimitMs),
      };
      this.waiting.push(waiter);
    });
    return { promise: turn.then(() => this.current()) };
  }

  /** Gives the connection to the next in line, or back to the pool. */
  release(connection: C): boolean {
    if (connection.__knex__disposed !== undefined) this.discard(connection);
    this.passOn();
    return true;
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    for (const waiter of this.waiting.splice(0)) clearTimeout(waiter.timer);
    const connection = await this.connection?.catch(() => undefined);
    this.connection = undefined;
    if (connection !== undefined) await this.close(connection);
  }

  private passOn(): void {
    const next = this.waiting.shift();
    if (next === undefined) {
      this.lent = false;
      return;
    }
    clearTimeout(next.timer);
    next.lend();
  }

  /** The open connection, opened first if there is none; a failed open is tried again by the next user. */
  private current(): Promise<C> {
    this.connection ??= this.open();
    return this.connection.catch((error: unknown) => {
      this.connection = undefined;
      this.passOn();
      throw error;
    });
  }

  private discard(connection: C): void {
    this.connection = undefined;
    void this.close(connection).catch(() => undefined);
  }
}
