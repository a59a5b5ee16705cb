/** Why an event is dead-lettered, and after how many failed attempts. */
export interface Poison {
  reason: string;
  failures: number;
}

/**
 * The event a replay keeps failing at. A replay applies in stream order, so one event whose
 * `apply` always throws would hold the read model at its position for good; after `limit` failures
 * in a row at one position the event is poison and the replay moves past it. Only `apply` failing
 * counts: a store that does not answer fails before any event is applied, so an outage is not
 * taken for poison.
 */
export class StuckEvent {
  private stuck: { sequence: number; failures: number; reason: string } | undefined;

  constructor(readonly limit: number) {}

  /** Counts `apply` failing on the event at `sequence`; returns how many times in a row it failed there. */
  failed(sequence: number, error: unknown): number {
    const failures = this.stuck?.sequence === sequence ? this.stuck.failures + 1 : 1;
    this.stuck = { sequence, failures, reason: error instanceof Error ? error.message : String(error) };
    return failures;
  }

  /** The event at `sequence` as poison once it failed `limit` times; undefined to apply it. */
  poison(sequence: number): Poison | undefined {
    const { stuck } = this;
    if (stuck?.sequence !== sequence || stuck.failures < this.limit) return undefined;
    return { reason: stuck.reason, failures: stuck.failures };
  }

  /** The replay committed its position up to `sequence`. */
  passed(sequence: number): void {
    if (this.stuck !== undefined && this.stuck.sequence <= sequence) this.stuck = undefined;
  }
}
