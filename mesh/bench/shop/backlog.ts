import type { JetStreamManager } from '@nats-io/jetstream';
import { eventStream } from '#kit/events/streams.js';

/** What the shop still has to do after a load: events in outboxes, and events its consumers have not acked. */
export interface Backlog {
  outbox: number;
  /** Per consumer of the event stream (durable name, or the replay's ordered consumer): pending + unacked. */
  consumers: Map<string, number>;
}

export const backlogSize = (backlog: Backlog): number => backlog.outbox + [...backlog.consumers.values()].reduce((sum, one) => sum + one, 0);

/** The consumers of the event stream, now: asking the broker costs the services nothing. */
async function consumerBacklog(jsm: JetStreamManager): Promise<Map<string, number>> {
  const consumers = new Map<string, number>();
  for await (const info of jsm.consumers.list(eventStream)) {
    const name = info.config.durable_name ?? 'replay';
    consumers.set(name, (consumers.get(name) ?? 0) + info.num_pending + info.num_ack_pending);
  }
  return consumers;
}

/** The outboxes (each service's bookstore_outbox_pending) and the consumers of the event stream, now. */
export async function readBacklog(jsm: JetStreamManager, adminUrls: readonly string[]): Promise<Backlog> {
  const consumers = await consumerBacklog(jsm);
  let outbox = 0;
  for (const url of adminUrls) {
    const metrics = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
    outbox += Number(/^bookstore_outbox_pending (\d+)/m.exec(metrics)?.[1] ?? 0);
  }
  return { outbox, consumers };
}

/**
 * Waits until nothing is left (or `timeoutMs` passed); returns how long it took and what was left at
 * first. The outboxes are read (a query in each service) only once the consumers have nothing left,
 * so watching does not slow what it watches.
 */
export async function drain(jsm: JetStreamManager, adminUrls: readonly string[], timeoutMs: number): Promise<{ ms: number; atStart: Backlog; left: Backlog }> {
  const started = performance.now();
  const atStart = await readBacklog(jsm, adminUrls);
  let left = atStart;
  while (backlogSize(left) > 0 && performance.now() - started < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    const consumers = await consumerBacklog(jsm);
    left = [...consumers.values()].some((pending) => pending > 0) ? { outbox: left.outbox, consumers } : await readBacklog(jsm, adminUrls);
  }
  return { ms: performance.now() - started, atStart, left };
}
