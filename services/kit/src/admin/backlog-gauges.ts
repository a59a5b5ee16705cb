import { Gauge } from 'prom-client';
import { sharedReading } from './shared-reading.js';

/** Work waiting somewhere (outbox rows, PENDING payments): how much, and since when the oldest. */
export interface Backlog {
  count: number;
  /** Epoch milliseconds of the oldest item; undefined when none waits. */
  oldestAt: number | undefined;
}

export interface BacklogGaugeNames {
  count: { name: string; help: string };
  oldestAge: { name: string; help: string };
}

/**
 * Two gauges read when scraped, from one reading shared by both: the count over every watched
 * source, and the age in seconds of the oldest item of any (0 when none waits). Sources with the
 * same key (two relays over one database) are read once; one that fails is left out.
 * Returns how to watch a source until the returned function is called.
 */
export function backlogGauges(names: BacklogGaugeNames): (key: unknown, read: () => Promise<Backlog>) => () => void {
  const sources = new Set<{ readonly key: unknown; readonly read: () => Promise<Backlog> }>();
  const backlog = sharedReading(async (): Promise<Backlog> => {
    const read = new Set<unknown>();
    let count = 0;
    let oldestAt: number | undefined;
    for (const source of sources) {
      if (read.has(source.key)) continue;
      read.add(source.key);
      const part = await source.read().catch(() => undefined);
      if (part === undefined) continue;
      count += part.count;
      if (part.oldestAt !== undefined && (oldestAt === undefined || part.oldestAt < oldestAt)) oldestAt = part.oldestAt;
    }
    return { count, oldestAt };
  });
  new Gauge({
    ...names.count,
    async collect() {
      this.set((await backlog()).count);
    },
  });
  new Gauge({
    ...names.oldestAge,
    async collect() {
      const { oldestAt } = await backlog();
      this.set(oldestAt === undefined ? 0 : Math.max(0, (Date.now() - oldestAt) / 1000));
    },
  });
  return (key, read) => {
    const source = { key, read };
    sources.add(source);
    return () => sources.delete(source);
  };
}
