import type { MsgHdrs } from '@nats-io/nats-core';
import { SpanKind, trace, type Attributes, type Context, type Link } from '@opentelemetry/api';
import {
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_CONVERSATION_ID,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  MESSAGING_OPERATION_TYPE_VALUE_PROCESS,
  MESSAGING_OPERATION_TYPE_VALUE_SEND,
} from '@opentelemetry/semantic-conventions/incubating';
import { contextFromHeaders, traceHeaders } from '../telemetry/propagation.js';
import { contextOfStored } from '../telemetry/stored-trace.js';
import { inSpan, markOrder } from '../telemetry/spans.js';
import type { ReceivedEvent } from './event.js';
import { eventNameOf } from './routes.js';

/**
 * The spans of an event's journey. The relay's publish span is a child of the transaction that
 * recorded the event (its trace context is kept with the outbox row); each consumer's handling span
 * is a child of the publish span, whose context travels in the message's headers (docs/tracing.md
 * says why a child and not a link).
 */

/** An event as the relay publishes it. */
export interface PublishedEvent {
  id: string;
  /** Where it is published (routes.ts); its span is named after the event. */
  subject: string;
  correlationId: string | undefined;
}

/**
 * Runs `publish` in the event's publish span, continuing the trace kept with its outbox row
 * (`storedTrace`, its headers as JSON; null for a row written without one), and gives it the
 * headers that carry the span to the consumers.
 */
export function publishInSpan<T>(event: PublishedEvent, storedTrace: string | null, publish: (trace: Record<string, string>) => Promise<T>): Promise<T> {
  const attributes = {
    [ATTR_MESSAGING_SYSTEM]: 'nats',
    [ATTR_MESSAGING_OPERATION_TYPE]: MESSAGING_OPERATION_TYPE_VALUE_SEND,
    [ATTR_MESSAGING_OPERATION_NAME]: 'publish',
    [ATTR_MESSAGING_DESTINATION_NAME]: event.subject,
    [ATTR_MESSAGING_MESSAGE_ID]: event.id,
    ...(event.correlationId === undefined ? {} : { [ATTR_MESSAGING_MESSAGE_CONVERSATION_ID]: event.correlationId }),
  };
  return inSpan(
    `publish ${eventNameOf(event.subject)}`,
    { kind: SpanKind.PRODUCER, attributes },
    () => {
      if (event.correlationId !== undefined) markOrder(event.correlationId);
      return publish(traceHeaders());
    },
    contextOfStored(storedTrace),
  );
}

/** Runs `handle` in `consumer`'s span of handling `event`, a child of the publish span its message's headers carry. */
export function handleInSpan<T>(headers: MsgHdrs | undefined, event: ReceivedEvent, consumer: string, handle: () => Promise<T>): Promise<T> {
  return inSpan(`process ${event.subject}`, { kind: SpanKind.CONSUMER, attributes: processAttributes(event, consumer) }, () => {
    markOrder(event.correlationId);
    return handle();
  }, publishContext(headers));
}

/** A link to the publish span of each message: what one transaction applying several events serves. */
export function publishLinks(messages: readonly { headers?: MsgHdrs | undefined }[]): Link[] {
  return messages.flatMap((msg) => {
    const spanContext = trace.getSpanContext(publishContext(msg.headers));
    return spanContext === undefined ? [] : [{ context: spanContext }];
  });
}

function publishContext(headers: MsgHdrs | undefined): Context {
  return contextFromHeaders((name) => {
    const value = headers?.get(name) ?? '';
    return value === '' ? undefined : value;
  });
}

function processAttributes(event: ReceivedEvent, consumer: string): Attributes {
  return {
    [ATTR_MESSAGING_SYSTEM]: 'nats',
    [ATTR_MESSAGING_OPERATION_TYPE]: MESSAGING_OPERATION_TYPE_VALUE_PROCESS,
    [ATTR_MESSAGING_OPERATION_NAME]: 'process',
    [ATTR_MESSAGING_DESTINATION_NAME]: event.subject,
    [ATTR_MESSAGING_MESSAGE_ID]: event.id,
    [ATTR_MESSAGING_MESSAGE_CONVERSATION_ID]: event.correlationId,
    [ATTR_MESSAGING_CONSUMER_GROUP_NAME]: consumer,
    'messaging.nats.delivery_count': event.deliveryCount,
  };
}
