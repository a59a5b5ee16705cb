/**
 * How often a durable consumer's handler failed on each event this replica is still retrying, by
 * stream sequence. JetStream's delivery count cannot tell: it also counts the deliveries an event
 * spent waiting for its prerequisite (NotYet) or for the store.
 *
 * The counts live in memory: another replica, or this one after a restart, counts afresh, so across
 * replicas an event may get more error attempts than the limit. The consumer's bound on deliveries
 * still ends it. At most `capacity` events are counted; past that the one counted least recently
 * starts again from zero (a count left behind by an event another replica then handled).
 */
export class HandlerErrors {
  private readonly counts = new Map<number, number>();

  constructor(private readonly capacity = 10_000) {}

  /** Counts one more failure of the event at `sequence`; returns its failures so far. */
  add(sequence: number): number {
    const count = (this.counts.get(sequence) ?? 0) + 1;
    // Deleted and set again, so the map's insertion order is the order of the latest failures.
    this.counts.delete(sequence);
    this.counts.set(sequence, count);
    if (this.counts.size > this.capacity) {
      const [leastRecent] = this.counts.keys();
      if (leastRecent !== undefined) this.counts.delete(leastRecent);
    }
    return count;
  }

  /** The event at `sequence` is answered for good: handled, skipped or dead-lettered. */
  forget(sequence: number): void {
    this.counts.delete(sequence);
  }
}
