import { parseArgs } from 'node:util';
import { devRouteTokens } from '../tokens/dev-route-tokens.js';
import { availabilityLine, loadRate, runLoad } from './load.js';

/**
 * `make rollout`: asks the running `make dev` (its control port) to replace every replica of every
 * service one at a time, while a load runs through the edge (with access tokens, at a rate within the
 * edge's rate limit, see load.ts), and prints the availability the load saw. With two replicas per
 * service it is 100.00 %. Exit 1 when a request failed.
 */
const { values } = parseArgs({
  options: {
    edge: { type: 'string', default: process.env.EDGE_URL ?? 'http://127.0.0.1:8080' },
    control: { type: 'string', default: `http://127.0.0.1:${process.env.MESH_CONTROL_PORT ?? '9100'}` },
    concurrency: { type: 'string', default: '4' },
    rate: { type: 'string', default: String(loadRate) },
  },
});

const stopLoad = new AbortController();
const { tokenFor } = devRouteTokens(values.edge);
const load = runLoad(values.edge, { concurrency: Number(values.concurrency), rate: Number(values.rate), tokenFor, until: stopLoad.signal });
try {
  const response = await fetch(`${values.control}/rollout`, { method: 'POST' });
  if (!response.ok || response.body === null) throw new Error(`${values.control}/rollout answered ${response.status}: ${await response.text()}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  for (let read = await reader.read(); !read.done; read = await reader.read()) process.stdout.write(decoder.decode(read.value as Uint8Array, { stream: true }));
} catch (error) {
  console.error(`the rollout did not run (is make dev running?): ${error instanceof Error ? error.message : String(error)}`);
  stopLoad.abort();
  await load.catch(() => undefined);
  process.exit(2);
}
stopLoad.abort();
const report = await load;
for (const failure of report.failures) console.log(`  failed: ${failure}`);
console.log(availabilityLine(report));
process.exit(report.failed === 0 ? 0 : 1);
