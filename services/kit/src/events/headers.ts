/**
 * NATS headers of an event message. The event id rides in `Nats-Msg-Id`, so the stream's duplicate
 * window drops an event the relay publishes twice. The trace context rides beside these, in the W3C
 * headers the OpenTelemetry propagators write (traceparent, tracestate, baggage; event-spans.ts).
 */
export const EventHeader = {
  id: 'Nats-Msg-Id',
  event: 'Bookstore-Event',
  correlationId: 'Bookstore-Correlation-Id',
  causationId: 'Bookstore-Causation-Id',
  occurredAt: 'Bookstore-Occurred-At',
} as const;

/**
 * Added to a message moved to the dead-letter stream. Its own `Nats-Msg-Id` is per consumer (one
 * poison event can be dead-lettered by several), so the event id moves to `Bookstore-Event-Id`.
 */
export const DeadLetterHeader = {
  eventId: 'Bookstore-Event-Id',
  reason: 'Bookstore-Dead-Letter-Reason',
  deliveries: 'Bookstore-Dead-Letter-Deliveries',
  consumer: 'Bookstore-Dead-Letter-Consumer',
} as const;

export interface EventLineage {
  event: string;
  correlationId: string;
  causationId: string | undefined;
  occurredAt: Date;
}

/** The headers recorded with an event, except its id (the relay publishes that as the msgID). */
export function lineageHeaders(lineage: EventLineage): Record<string, string> {
  const headers: Record<string, string> = {
    [EventHeader.event]: lineage.event,
    [EventHeader.correlationId]: lineage.correlationId,
    [EventHeader.occurredAt]: lineage.occurredAt.toISOString(),
  };
  if (lineage.causationId !== undefined) headers[EventHeader.causationId] = lineage.causationId;
  return headers;
}

/** Header values are one line; error messages may not be. */
export function headerValue(text: string, maxLength = 500): string {
  return text.replace(/[\r\n]+/g, ' ').slice(0, maxLength);
}
