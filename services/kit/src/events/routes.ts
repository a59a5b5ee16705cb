import type { EventType } from './event.js';

/**
 * Which events a consumer receives. An event is published on
 * `bookstore.<context>.<route>…<route>.<EventName>`, one route token per consumer position
 * (proto/bookstore/events/v1/event_options.proto): the consumer's name where it handles the event,
 * `_` where it does not. So one filter subject, which is all nats-server 2.9 takes, selects exactly
 * one consumer's events: its name at its position, anything elsewhere. New consumers take new
 * positions at the end, so the filters of the others still match.
 *
 * Before routing, events were published on `bookstore.<context>.<EventName>` (three tokens, the
 * legacy layout). A stream of an existing deployment holds them, and publishers of the previous
 * release add more while a rollout goes on, so consumers read those on a part of their own.
 */

/** Every event of the legacy layout, and nothing routed. */
export const legacyLayout = 'bookstore.*.*';

/** The name of a durable consumer or replay position reading routed events, beside the legacy one's plain name. */
export function routedName(name: string): string {
  return `${name}-routed`;
}

/**
 * What reader `consumer` of `events` filters on: its position when every event is routed to it;
 * otherwise (a test, a tool looking on) each event by its type, whoever it is routed to.
 */
export function routedFilter(consumer: string, events: readonly EventType<unknown>[], severalSubjects: boolean): string | string[] | undefined {
  const position = routePosition(consumer, events);
  if (position !== undefined) return ['bookstore', '*', ...Array.from({ length: position }, () => '*'), consumer, '>'].join('.');
  return filterOf(events.map(typeFilter), severalSubjects, undefined);
}

/** What the legacy part of reader `events` filters on: their legacy subjects, or the whole legacy layout. */
export function legacyFilter(events: readonly EventType<unknown>[], severalSubjects: boolean): string | string[] {
  return filterOf(events.map((type) => type.subject), severalSubjects, legacyLayout);
}

/** Servers before 2.10 take one filter subject; several fall back to `fallback` (undefined: none). */
function filterOf<T extends string | undefined>(subjects: readonly string[], severalSubjects: boolean, fallback: T): string | string[] | T {
  const [only] = subjects;
  if (subjects.length === 1 && only !== undefined) return only;
  return severalSubjects ? [...subjects] : fallback;
}

/** An event's routed subject with every route a wildcard: all of its messages, whoever handles them. */
function typeFilter(type: EventType<unknown>): string {
  return ['bookstore', type.context, ...type.routes.map(() => '*'), type.name].join('.');
}

/**
 * The position of `consumer` among the routes of `events`; undefined when none is routed to it.
 * Throws when only some are, or at different positions: its table handles an event that its
 * contract does not route to it, which it would never receive.
 */
export function routePosition(consumer: string, events: readonly EventType<unknown>[]): number | undefined {
  const positions = new Set(events.map((type) => type.routes.indexOf(consumer)));
  if (positions.size === 1 && positions.has(-1)) return undefined;
  const [position] = positions;
  if (positions.size > 1 || position === undefined || position < 0) {
    const unrouted = events.filter((type) => !type.routes.includes(consumer)).map((type) => type.subject);
    throw new Error(
      `${consumer} handles ${unrouted.join(', ') || 'events routed to it at different positions'}, which ${unrouted.length > 0 ? 'are' : 'is'} not routed to it: add it to the (bookstore.events.v1.consumers) option of each`,
    );
  }
  return position;
}

/** Which layout a part of a consumer or replay reads. */
export type Layout = 'routed' | 'legacy';

/** The event types of `events` by the subject they arrive on in `layout`. */
export function typesBySubject(events: readonly EventType<unknown>[], layout: Layout): ReadonlyMap<string, EventType<unknown>> {
  return new Map(events.map((type) => [layout === 'routed' ? type.routedSubject : type.subject, type]));
}

/** `bookstore.<context>.<EventName>` of a subject in either layout. */
export function eventNameOf(subject: string): string {
  const tokens = subject.split('.');
  return tokens.length > 3 ? [tokens[0], tokens[1], tokens[tokens.length - 1]].join('.') : subject;
}
