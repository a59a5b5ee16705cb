import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PostgresServer } from '#kit/process/postgres-server.js';
import { RestClient } from '../invariants/rest-client.js';
import { LocalMesh } from '../local/local-mesh.js';
import { meshServices } from '../policy/services.js';
import { RouteTokens } from '../tokens/route-tokens.js';
import { ShopTokens } from '../tokens/shop-tokens.js';
import { chaosLine, runChaos } from './chaos.js';
import { postgresStores } from './postgres-stores.js';

/**
 * `make chaos` (or `node --import tsx mesh/chaos/main.ts --seed 7 --operations 300 --kills 6`): a
 * shop of its own (free ports, a temp folder, two supervised replicas per service), the seeded
 * workload while seeded SIGKILLs hit replicas and nats-server, then the invariant checker. With
 * `--postgres` every store is on a PostgreSQL server of its own, whose postmaster is a victim too.
 * Prints one line; exit 1 when something was lost, duplicated or an invariant broke.
 */
const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '20261206' },
    operations: { type: 'string', default: '300' },
    kills: { type: 'string', default: '6' },
    'nats-nodes': { type: 'string', default: '1' },
    postgres: { type: 'boolean', default: false },
  },
});
const [seed, operations, kills] = [values.seed, values.operations, values.kills].map(Number);
if (![seed, operations, kills].every((value) => Number.isInteger(value) && (value ?? -1) >= 0)) {
  console.error('--seed, --operations and --kills must be whole numbers >= 0');
  process.exit(2);
}

const dataDir = mkdtempSync(join(tmpdir(), 'bookstore-chaos-'));
const postgres = values.postgres ? await PostgresServer.start() : undefined;
console.log(`chaos: starting a shop with two replicas per service in ${dataDir}${postgres === undefined ? '' : `, its stores on PostgreSQL :${String(postgres.port)}`} …`);
const mesh = await LocalMesh.start({
  dataDir,
  ports: 'free',
  supervise: true,
  natsNodes: Number(values['nats-nodes']),
  replicas: Object.fromEntries(meshServices.map((service) => [service.name, 2])),
  ...(postgres === undefined ? {} : { databaseUrls: await postgresStores(postgres, () => 2) }),
  env: { LOG_LEVEL: 'warn' },
  onLine: (label, line) => {
    if (label === 'mesh') console.log(line);
  },
});
let failed: boolean;
try {
  // Each request carries the token of someone allowed to make it, got by real grants from the shop's token service.
  const tokens = new ShopTokens({ issuer: mesh.authUrl, edgeUrl: mesh.edgeUrl, staffClientsFile: mesh.staffClientsFile });
  const rest = new RestClient(mesh.edgeUrl, new RouteTokens(tokens, mesh.edgeUrl).tokenFor);
  const report = await runChaos(mesh, rest, { seed: seed ?? 0, operations: operations ?? 0, concurrency: 4, kills: kills ?? 0, quietTimeoutMs: 120_000, victims: { postgres } });
  console.log(`killed: ${report.kills.join(', ') || 'nothing'}`);
  for (const violation of report.violations) console.log(`invariant ${violation.invariant}: ${violation.message}`);
  console.log(chaosLine(report));
  failed = report.lost > 0 || report.duplicated > 0 || report.violations.length > 0;
} finally {
  await mesh.stop();
  await Promise.all(mesh.natsNodes.map((node) => node.stop()));
  await postgres?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
