/**
 * Domain events on the wire. Subject: `bookstore.<context>.<routes…>.<EventName>` (routes.ts), its
 * name `bookstore.<context>.<EventName>`; payload: the protobuf message from
 * proto/bookstore/events/v1; identity and lineage in NATS headers (see headers.ts).
 */

/** The encode/decode pair ts-proto generates for every message. */
export interface MessageCodec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
}

export interface EventType<T> {
  /** The publishing context: catalog, order, delivery, coupon, customer. */
  context: string;
  /** The event name as in DOMAIN.md: OrderPlaced, BookPrepared, … */
  name: string;
  /**
   * `bookstore.<context>.<EventName>`: the event's name in metrics, logs and dead letters, and the
   * subject it was published on before events were routed (the legacy layout, routes.ts).
   */
  subject: string;
  /** One token per consumer position: the consumer's name where it handles the event, else `_`. */
  routes: readonly string[];
  /** Where the event is published: `bookstore.<context>.<routes…>.<EventName>`. */
  routedSubject: string;
  codec: MessageCodec<T>;
}

/**
 * An event and the consumers it is routed to, one per position (`_` for none): the registry's
 * are generated from the protos; one with no routes is routed to nobody, and read by its type alone.
 */
export function defineEvent<T>(context: string, name: string, codec: MessageCodec<T>, routes: readonly string[] = []): EventType<T> {
  const tokens = routes.length === 0 ? ['_'] : routes;
  return { context, name, subject: `bookstore.${context}.${name}`, routes: tokens, routedSubject: ['bookstore', context, ...tokens, name].join('.'), codec };
}

/** An event a use case raises; the outbox gives it an id and a time when it is recorded. */
export interface NewEvent<T = unknown> {
  type: EventType<T>;
  payload: T;
  /**
   * The orderId where there is one, else the aggregate's id with a prefix (`book-3`): a plain
   * number marks the event's spans as the order's (telemetry/spans.ts).
   */
  correlationId: string;
}

/** An event as a consumer receives it. */
export interface ReceivedEvent<T = unknown> {
  id: string;
  type: EventType<T>;
  subject: string;
  payload: T;
  correlationId: string;
  causationId: string | undefined;
  occurredAt: Date;
  /** 1 on first delivery. */
  deliveryCount: number;
  /** Position in the stream; increases with publish order. */
  streamSequence: number;
}

/**
 * Thrown by a handler whose prerequisite has not arrived yet (events cross subjects in any order):
 * the event is redelivered later instead of being guessed at or dead-lettered early.
 */
export class NotYet extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'NotYet';
  }
}

/** Narrows a received event to one type, for handlers that consume several. */
export function isEvent<T>(event: ReceivedEvent, type: EventType<T>): event is ReceivedEvent<T> {
  return event.subject === type.subject;
}
