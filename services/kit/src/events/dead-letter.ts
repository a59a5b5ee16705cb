import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { headers } from '@nats-io/nats-core';
import { DeadLetterHeader, EventHeader, headerValue } from './headers.js';
import { eventNameOf } from './routes.js';
import { deadLetterSubject } from './streams.js';

/**
 * Copies a message consumer `durable` (or a replay of that name) gives up on to
 * `deadletter.<durable>.<event name>` (bookstore.<context>.<EventName>, whatever its routes): the original payload and headers, why, and after how many
 * deliveries. Its msgID is the durable and stream position, so a retry after a failed term() (or
 * replicas of one replay) store it once.
 */
export async function publishDeadLetter(js: JetStreamClient, msg: JsMsg, durable: string, reason: string, deliveries = msg.info.deliveryCount): Promise<void> {
  const copy = headers();
  for (const [name, values] of msg.headers ?? []) {
    if (name === EventHeader.id) continue;
    for (const value of values) copy.append(name, value);
  }
  const eventId = msg.headers?.get(EventHeader.id) ?? '';
  if (eventId !== '') copy.set(DeadLetterHeader.eventId, eventId);
  copy.set(DeadLetterHeader.reason, headerValue(reason));
  copy.set(DeadLetterHeader.deliveries, String(deliveries));
  copy.set(DeadLetterHeader.consumer, durable);
  await js.publish(deadLetterSubject(durable, eventNameOf(msg.subject)), msg.data, {
    headers: copy,
    msgID: `${durable}:${msg.info.streamSequence}`,
  });
}
