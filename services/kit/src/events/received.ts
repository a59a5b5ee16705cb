import type { JsMsg } from '@nats-io/jetstream';
import type { EventType, ReceivedEvent } from './event.js';
import { EventHeader } from './headers.js';

/** A message that can never be handled (missing headers, undecodable payload): poison at once. */
export class MalformedEvent extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'MalformedEvent';
  }
}

/** Reads a stream message as an event of `type`, or throws MalformedEvent. */
export function receivedEvent<T>(msg: JsMsg, type: EventType<T>): ReceivedEvent<T> {
  const header = (name: string): string | undefined => {
    const value = msg.headers?.get(name) ?? '';
    return value === '' ? undefined : value;
  };
  const required = (name: string): string => {
    const value = header(name);
    if (value === undefined) throw new MalformedEvent(`${type.name} has no ${name} header`);
    return value;
  };
  const occurredAtText = required(EventHeader.occurredAt);
  const occurredAt = new Date(occurredAtText);
  if (Number.isNaN(occurredAt.getTime())) throw new MalformedEvent(`${type.name} has ${EventHeader.occurredAt} "${occurredAtText}", not a time`);
  return {
    id: required(EventHeader.id),
    type,
    subject: type.subject,
    payload: decode(msg.data, type),
    correlationId: required(EventHeader.correlationId),
    causationId: header(EventHeader.causationId),
    occurredAt,
    deliveryCount: msg.info.deliveryCount,
    streamSequence: msg.info.streamSequence,
  };
}

function decode<T>(data: Uint8Array, type: EventType<T>): T {
  try {
    return type.codec.decode(data);
  } catch (error) {
    throw new MalformedEvent(`payload does not decode as ${type.name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** What every log line written while handling `event` carries. */
export function eventCallContext(event: ReceivedEvent): { correlationId: string; eventId: string } {
  return { correlationId: event.correlationId, eventId: event.id };
}
