import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDescriptorSet } from '../descriptors/load-descriptor-set.js';
import { apiReferencePath, apiReferenceYaml } from './api-reference.js';

/**
 * Writes the API reference from the descriptor set:
 *   node --import tsx services/edge/src/openapi/generate.ts [--descriptor-set proto/gen/bookstore.binpb] [--out path]
 */
const { values } = parseArgs({
  options: {
    'descriptor-set': { type: 'string', default: 'proto/gen/bookstore.binpb' },
    out: { type: 'string', default: apiReferencePath },
  },
});
const out = values.out;
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, apiReferenceYaml(loadDescriptorSet(values['descriptor-set'])));
process.stdout.write(`wrote ${out}\n`);
