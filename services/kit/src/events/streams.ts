import {
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';

/** Every domain event, on subjects `bookstore.<context>.<EventName>`. */
export const eventStream = 'BOOKSTORE';
/** Events a consumer gave up on, on `deadletter.<durable>.<original subject>`, kept for a person to look at. */
export const deadLetterStream = 'BOOKSTORE_DEADLETTERS';

export function deadLetterSubject(durable: string, subject: string): string {
  return `deadletter.${durable}.${subject}`;
}

const duplicateWindowMs = 2 * 60_000;

const streams: Pick<StreamConfig, 'name' | 'subjects' | 'storage' | 'retention' | 'duplicate_window'>[] = [
  { name: eventStream, subjects: ['bookstore.>'], storage: StorageType.File, retention: RetentionPolicy.Limits, duplicate_window: nanos(duplicateWindowMs) },
  { name: deadLetterStream, subjects: ['deadletter.>'], storage: StorageType.File, retention: RetentionPolicy.Limits, duplicate_window: nanos(duplicateWindowMs) },
];

/**
 * Creates both streams, or brings an existing one to this configuration; safe to run on every start.
 * `replicas` is how many JetStream servers keep each stream (3 on a three-node cluster, so a server
 * may go down without losing an event; 1 on a single server).
 */
export async function ensureStreams(jsm: JetStreamManager, replicas = 1): Promise<void> {
  for (const config of streams) {
    try {
      await jsm.streams.info(config.name);
    } catch (error) {
      if (!isApiError(error, JetStreamApiCodes.StreamNotFound)) throw error;
      await jsm.streams.add({ ...config, num_replicas: replicas });
      continue;
    }
    await jsm.streams.update(config.name, { subjects: config.subjects, duplicate_window: config.duplicate_window, num_replicas: replicas });
  }
}

export function isApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}
