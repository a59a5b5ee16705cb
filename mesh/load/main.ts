import { parseArgs } from 'node:util';
import { devRouteTokens } from '../tokens/dev-route-tokens.js';
import { availabilityLine, loadLine, loadRate, runLoad } from './load.js';

/**
 * `make load` (or `node --import tsx mesh/load/main.ts --edge URL --seconds 30 --concurrency 16 --rate 80`):
 * REST load on a running shop for a bounded time, each request with the access token of someone
 * allowed to make it (real grants against make dev's token service); prints rps, p50/p99 and
 * answers by status. Exit 1 when a request failed (a 429 is counted apart, not as failed).
 */
const { values } = parseArgs({
  options: {
    edge: { type: 'string', default: process.env.EDGE_URL ?? 'http://127.0.0.1:8080' },
    seconds: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '16' },
    rate: { type: 'string', default: String(loadRate) },
  },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const rate = Number(values.rate);
if (!(seconds > 0) || !(rate > 0) || !Number.isInteger(concurrency) || concurrency < 1) {
  console.error(`--seconds and --rate must be > 0 and --concurrency a whole number >= 1, got ${values.seconds}, ${values.rate} and ${values.concurrency}`);
  process.exit(2);
}

const { tokenFor } = devRouteTokens(values.edge);
const report = await runLoad(values.edge, { concurrency, rate, tokenFor, until: AbortSignal.timeout(seconds * 1000) }).catch((error: unknown) => {
  console.error(`cannot load the shop at ${values.edge}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
console.log(loadLine(report));
for (const failure of report.failures) console.log(`  failed: ${failure}`);
console.log(availabilityLine(report));
process.exit(report.failed === 0 ? 0 : 1);
