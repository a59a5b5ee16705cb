import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { imageRegistry, recordedPayloadsPath, recordPayloads, releasedImagePath, samplePayloads } from './event-payloads.js';

/**
 * Records payloads of every event of the released contracts (proto/released/bookstore.binpb) in
 * proto/released/event-payloads.json, next to those of earlier releases; `make release-contracts`
 * runs it right after writing the image:
 *   node --import tsx mesh/contracts/record-event-payloads.ts [--release 2026-12-06]
 */
const { values } = parseArgs({ options: { release: { type: 'string', default: new Date().toISOString().slice(0, 10) } } });
const payloads = samplePayloads(imageRegistry(readFileSync(releasedImagePath)), values.release);
recordPayloads(payloads);
process.stdout.write(`recorded ${payloads.length} payloads of release ${values.release} in ${recordedPayloadsPath}\n`);
