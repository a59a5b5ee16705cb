import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createFileRegistry, fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { declaredEvents, renderEventRegistry } from './event-registry.js';

/**
 * `make proto`, after `buf build`: writes proto/gen/ts/bookstore/events.ts, the registry of every
 * message that declares itself an event, from the descriptor set.
 */
const genDir = fileURLToPath(new URL('../gen/', import.meta.url));
const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(`${genDir}bookstore.binpb`)));
writeFileSync(`${genDir}ts/bookstore/events.ts`, renderEventRegistry(declaredEvents(registry), 'bookstore'));
