import { AckPolicy, DeliverPolicy, JetStreamApiCodes, type ConsumerUpdateConfig, type JetStreamManager } from '@nats-io/jetstream';
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
  settings: { subjects: readonly string[]; ackWaitMs: number; serverFiltersSeveralSubjects: boolean },
): Promise<void> {
  const changeable: Partial<ConsumerUpdateConfig> = {
    ack_wait: nanos(settings.ackWaitMs),
    max_deliver: -1,
    ...subjectFilter(settings.subjects, settings.serverFiltersSeveralSubjects),
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

/** Deletes durable consumer `durable`; false when there was none. */
export async function deleteConsumer(jsm: JetStreamManager, durable: string): Promise<boolean> {
  try {
    return await jsm.consumers.delete(eventStream, durable);
  } catch (error) {
    if (isApiError(error, JetStreamApiCodes.ConsumerNotFound)) return false;
    throw error;
  }
}

/**
 * Servers before 2.10 take one filter subject only; a consumer of several events there reads the
 * whole stream and skips the others.
 */
function subjectFilter(subjects: readonly string[], serverFiltersSeveralSubjects: boolean): Pick<ConsumerUpdateConfig, 'filter_subject' | 'filter_subjects'> {
  if (subjects.length === 1) return { filter_subject: subjects[0], filter_subjects: undefined };
  if (serverFiltersSeveralSubjects) return { filter_subject: undefined, filter_subjects: [...subjects] };
  return { filter_subject: undefined, filter_subjects: undefined };
}

/** Whether nats-server `version` (major.minor.patch) filters a consumer by several subjects. */
export function filtersSeveralSubjects(version: string | undefined): boolean {
  const [major = 0, minor = 0] = (version ?? '').split('.').map(Number);
  return major > 2 || (major === 2 && minor >= 10);
}
