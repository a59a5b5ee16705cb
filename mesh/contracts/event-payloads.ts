import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { create, createFileRegistry, fromBinary, ScalarType, toBinary, type DescField, type DescMessage, type FileRegistry } from '@bufbuild/protobuf';
import { reflect, type ReflectMessage } from '@bufbuild/protobuf/reflect';
import { FileDescriptorSetSchema, timestampFromMs } from '@bufbuild/protobuf/wkt';
import { declaredEvents, publisherOption } from '../../proto/tools/event-registry.js';
import { repoRoot } from '../envoy/generated-files.js';

/** One event payload as a released version of the contracts wrote it. */
export interface RecordedPayload {
  /** The release (proto/released/bookstore.binpb) that wrote it, by the date it was recorded. */
  release: string;
  subject: string;
  /** `every field set` or `every field at its default` (an empty payload). */
  sample: string;
  /** The protobuf bytes, base64. */
  payload: string;
}

export const releasedImagePath = join(repoRoot, 'proto/released/bookstore.binpb');
export const recordedPayloadsPath = join(repoRoot, 'proto/released/event-payloads.json');

const eventsPackage = 'bookstore.events.v1';

/** A buf image (or a descriptor set) as a registry: buf's Image is a FileDescriptorSet on the wire. */
export function imageRegistry(bytes: Uint8Array): FileRegistry {
  return createFileRegistry(fromBinary(FileDescriptorSetSchema, bytes));
}

/**
 * The subject each event message of the image is published under, bookstore.<publisher>.<Name>:
 * the publisher from the message's (bookstore.events.v1.publisher) option, or, in contracts
 * released before that option, from its file (events/v1/order.proto published the order's events).
 */
export function eventSubjects(registry: FileRegistry): Map<string, DescMessage> {
  const subjects = new Map<string, DescMessage>();
  if (registry.getExtension(publisherOption) !== undefined) {
    for (const event of declaredEvents(registry)) {
      const message = registry.getFile(`${event.module}.proto`)?.messages.find((candidate) => candidate.name === event.name);
      if (message !== undefined) subjects.set(`bookstore.${event.publisher}.${event.name}`, message);
    }
    return subjects;
  }
  for (const file of registry.files) {
    if (file.proto.package !== eventsPackage) continue;
    const context = basename(file.name);
    for (const message of file.messages) subjects.set(`bookstore.${context}.${message.name}`, message);
  }
  return subjects;
}

/** Two payloads of every event of the image: every field set to a value of its type, and none. */
export function samplePayloads(registry: FileRegistry, release: string): RecordedPayload[] {
  return [...eventSubjects(registry)].flatMap(([subject, message]) => [
    { release, subject, sample: 'every field set', payload: Buffer.from(toBinary(message, filled(message).message)).toString('base64') },
    { release, subject, sample: 'every field at its default', payload: '' },
  ]);
}

export function readRecordedPayloads(): RecordedPayload[] {
  return JSON.parse(readFileSync(recordedPayloadsPath, 'utf8')) as RecordedPayload[];
}

/** Adds the payloads of `release` to the recorded ones; earlier releases' payloads stay, as old events stay in the stream. */
export function recordPayloads(payloads: readonly RecordedPayload[]): void {
  const kept = readRecordedPayloads().filter((recorded) => !payloads.some((added) => added.release === recorded.release));
  writeFileSync(recordedPayloadsPath, `${JSON.stringify([...kept, ...payloads], null, 2)}\n`);
}

function filled(message: DescMessage): ReflectMessage {
  const value = reflect(message, create(message));
  if (message.typeName === 'google.protobuf.Timestamp') return reflect(message, timestampFromMs(Date.UTC(2026, 0, 2, 3, 4, 5)));
  for (const field of message.fields) {
    if (field.fieldKind === 'list') {
      const list = value.get(field);
      list.add(field.listKind === 'message' ? filled(field.message) : sampleOf(field, field.listKind === 'enum' ? undefined : field.scalar));
    } else if (field.fieldKind === 'message') {
      value.set(field, filled(field.message));
    } else if (field.fieldKind !== 'map') {
      value.set(field, sampleOf(field, field.fieldKind === 'scalar' ? field.scalar : undefined));
    }
  }
  return value;
}

/** A value unlike the default: 7 for numbers, the last enum value, "sample" for text. */
function sampleOf(field: DescField, scalar: ScalarType | undefined): unknown {
  if (scalar === undefined) return field.enum?.values.at(-1)?.number ?? 1;
  switch (scalar) {
    case ScalarType.STRING:
      return 'sample';
    case ScalarType.BOOL:
      return true;
    case ScalarType.BYTES:
      return Uint8Array.of(7);
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return 7n;
    default:
      return 7;
  }
}
