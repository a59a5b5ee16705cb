import { AckPolicy, DeliverPolicy, JetStreamApiCodes, type ConsumerInfo, type ConsumerUpdateConfig, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { eventStream, isApiError } from './streams.js';

/**
 * Creates durable pull consumer `durable` on the event stream, or brings it to these settings.
 * A new durable reads the stream from its start. The kit decides when to stop redelivering (see
 * consumer.ts), so the server's max_deliver is unlimited.
 */
export async function provisionConsumer(
  jsm: JetStreamManager,
  durable: string,
  settings: { filter: string | string[] | undefined; ackWaitMs: number },
): Promise<void> {
  const changeable: Partial<ConsumerUpdateConfig> = {
    ack_wait: nanos(settings.ackWaitMs),
    max_deliver: -1,
    ...subjectFilter(settings.filter),
  };
  try {
    await jsm.consumers.info(eventStream, durable);
  } catch (error) {
    if (!isApiError(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
    await jsm.consumers.add(eventStream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ...changeable,
    });
    return;
  }
  await jsm.consumers.update(eventStream, durable, changeable);
}

/**
 * Narrows legacy durable `durable` (routes.ts) to `filter`, when it exists; false when it does not.
 * nats-server 2.9 takes a new filter on an existing consumer but then delivers nothing, so a durable
 * with another filter is created again from the first event it has not answered: the events
 * answered after that one come again, and the processed-events table skips them.
 */
export async function narrowLegacyConsumer(jsm: JetStreamManager, durable: string, settings: { filter: string | string[]; ackWaitMs: number }): Promise<boolean> {
  let info: ConsumerInfo;
  try {
    info = await jsm.consumers.info(eventStream, durable);
  } catch (error) {
    if (isApiError(error, JetStreamApiCodes.ConsumerNotFound)) return false;
    throw error;
  }
  const wanted = subjectFilter(settings.filter);
  const { config } = info;
  if (config.filter_subject === wanted.filter_subject && String(config.filter_subjects ?? '') === String(wanted.filter_subjects ?? '')) {
    await jsm.consumers.update(eventStream, durable, { ack_wait: nanos(settings.ackWaitMs), max_deliver: -1 });
    return true;
  }
  await jsm.consumers.delete(eventStream, durable);
  await jsm.consumers.add(eventStream, {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: info.ack_floor.stream_seq + 1,
    ack_wait: nanos(settings.ackWaitMs),
    max_deliver: -1,
    ...wanted,
  });
  return true;
}

/** Deletes durable consumer `durable`; false when there was none. */
export async function deleteConsumer(jsm: JetStreamManager, durable: string): Promise<boolean> {
  try {
    return await jsm.consumers.delete(eventStream, durable);
  } catch (error) {
    if (isApiError(error, JetStreamApiCodes.ConsumerNotFound)) return false;
    throw error;
  }
}

function subjectFilter(filter: string | string[] | undefined): Pick<ConsumerUpdateConfig, 'filter_subject' | 'filter_subjects'> {
  if (typeof filter === 'string') return { filter_subject: filter, filter_subjects: undefined };
  return { filter_subject: undefined, filter_subjects: filter };
}

/** Whether nats-server `version` (major.minor.patch) filters a consumer by several subjects. */
export function filtersSeveralSubjects(version: string | undefined): boolean {
  const [major = 0, minor = 0] = (version ?? '').split('.').map(Number);
  return major > 2 || (major === 2 && minor >= 10);
}
