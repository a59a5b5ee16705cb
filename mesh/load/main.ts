import { parseArgs } from 'node:util';
import { availabilityLine, loadLine, runLoad } from './load.js';

/**
 * `make load` (or `node --import tsx mesh/load/main.ts --edge URL --seconds 30 --concurrency 16`):
 * REST load on a running shop for a bounded time; prints rps, p50/p99 and answers by status.
 * Exit 1 when a request failed.
 */
const { values } = parseArgs({
  options: {
    edge: { type: 'string', default: process.env.EDGE_URL ?? 'http://127.0.0.1:8080' },
    seconds: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '16' },
  },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
if (!(seconds > 0) || !Number.isInteger(concurrency) || concurrency < 1) {
  console.error(`--seconds must be > 0 and --concurrency a whole number >= 1, got ${values.seconds} and ${values.concurrency}`);
  process.exit(2);
}

const report = await runLoad(values.edge, { concurrency, until: AbortSignal.timeout(seconds * 1000) }).catch((error: unknown) => {
  console.error(`cannot load the shop at ${values.edge}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
console.log(loadLine(report));
for (const failure of report.failures) console.log(`  failed: ${failure}`);
console.log(availabilityLine(report));
process.exit(report.failed === 0 ? 0 : 1);
