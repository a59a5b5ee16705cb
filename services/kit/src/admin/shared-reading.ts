/**
 * One reading for every gauge of a scrape (prom-client collects them at once) and, with
 * `maxAgeMs`, for scrapes closer together than that: the source (a query, a request to the broker)
 * is asked once per reading, however many gauges show it and however often /metrics is read.
 */
export function sharedReading<T>(read: () => Promise<T>, maxAgeMs = 0): () => Promise<T> {
  let last: { reading: Promise<T>; settledAt: number | undefined } | undefined;
  return () => {
    if (last !== undefined && (last.settledAt === undefined || Date.now() - last.settledAt < maxAgeMs)) return last.reading;
    const current: { reading: Promise<T>; settledAt: number | undefined } = { reading: read(), settledAt: undefined };
    const settled = (): void => {
      current.settledAt = Date.now();
    };
    current.reading.then(settled, settled);
    last = current;
    return current.reading;
  };
}
