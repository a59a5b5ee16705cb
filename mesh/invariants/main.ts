import { parseArgs } from 'node:util';
import { CardProcessorClient } from './card-processor-client.js';
import { staffClientsFile } from '../local/local-mesh.js';
import { authPort } from '../policy/services.js';
import { ShopTokens } from '../tokens/shop-tokens.js';
import { checkOnceQuiet } from './converge.js';
import { RestClient } from './rest-client.js';

/**
 * `make check-invariants` (or `node --import tsx mesh/invariants/main.ts --edge URL --processor URL --wait 30`):
 * checks DOMAIN.md's invariants against a running shop through its REST edge, reading as the
 * auditor (a token from the token service at AUTH_URL; the staff secrets under MESH_DATA_DIR), and
 * the money against the card processor's ledger. Exit 1 on a violation.
 */
const { values } = parseArgs({
  options: {
    edge: { type: 'string', default: process.env.EDGE_URL ?? 'http://127.0.0.1:8080' },
    processor: { type: 'string', default: process.env.PROCESSOR_URL ?? 'http://127.0.0.1:8091' },
    wait: { type: 'string', default: '30' },
  },
});
const waitSeconds = Number(values.wait);
if (!Number.isFinite(waitSeconds) || waitSeconds < 0) {
  console.error(`--wait must be a number of seconds, got "${values.wait}"`);
  process.exit(2);
}

const tokens = new ShopTokens({
  issuer: process.env.AUTH_URL ?? `http://127.0.0.1:${authPort}`,
  edgeUrl: values.edge,
  staffClientsFile: staffClientsFile(process.env.MESH_DATA_DIR ?? '.data'),
});
const asAuditor = (): Promise<string> => tokens.staff('auditor');
const violations = await checkOnceQuiet(new RestClient(values.edge, asAuditor), { processor: new CardProcessorClient(values.processor) }, waitSeconds * 1000).catch((error: unknown) => {
  console.error(`cannot read the shop at ${values.edge} (card processor ${values.processor}): ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
if (violations.length === 0) {
  console.log(`all invariants hold at ${values.edge}`);
} else {
  for (const violation of violations) console.log(`invariant ${violation.invariant}: ${violation.message}`);
  console.log(`${violations.length} violation(s)`);
  process.exit(1);
}
