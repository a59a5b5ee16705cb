import { expect } from 'chai';
import { PostgresServer } from '#kit/process/postgres-server.js';
import { chaosLine, runChaos } from '../../chaos/chaos.js';
import { postgresStores } from '../../chaos/postgres-stores.js';
import { checkOnceQuiet } from '../../invariants/converge.js';
import { takeSnapshot } from '../../invariants/snapshot.js';
import { runWorkload } from '../../invariants/workload.js';
import { Shop } from './shop.js';

describe('the store dies too: every service on a PostgreSQL that is killed (SIGKILL) and started again', function () {
  this.timeout(600_000);
  let postgres: PostgresServer | undefined;
  let shop: Shop | undefined;

  before(async () => {
    // A server of the test's own (never the machine's shared one), so killing it harms no one else.
    postgres = await PostgresServer.start();
    shop = await Shop.open({ supervise: true, databaseUrls: await postgresStores(postgres, () => 1) });
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(shop?.problems().join('\n'));
  });

  after(async () => {
    await shop?.close();
    await postgres?.stop();
  });

  it('loses nothing acknowledged, duplicates nothing, and the relay and consumers resume by themselves', async () => {
    const [store, opened] = [postgres, shop];
    if (store === undefined || opened === undefined) throw new Error('the shop did not start');
    const killed = store.pid;
    const report = await runChaos(opened.mesh, opened.rest, { seed: 20261208, operations: 150, concurrency: 4, kills: 2, quietTimeoutMs: 120_000, victims: { replicas: false, nats: false, postgres: store } });
    console.log(`      ${chaosLine(report)} (killed: ${report.kills.join(', ')})`);
    console.log(`      answers: ${JSON.stringify(report.outcomes)}`);
    for (const unexpected of report.unexpected.slice(0, 10)) console.log(`      ${unexpected}`);
    for (const violation of report.violations) console.log(`      invariant ${violation.invariant}: ${violation.message}`);
    expect(report.kills, 'every requested kill happened during the workload').to.have.length(2);
    expect(store.pid).not.to.equal(killed);
    expect(report.acknowledged).to.be.greaterThan(0);
    expect({ lost: report.lost, duplicated: report.duplicated, violations: report.violations }).to.deep.equal({ lost: 0, duplicated: 0, violations: [] });
    // No service was restarted: each reconnected to its store by itself, and serves again.
    expect(opened.logs.filter((line) => line.startsWith('mesh ') && line.includes('restart'))).to.deep.equal([]);
    const before = (await takeSnapshot(opened.rest)).orders.map((order) => order.id);
    const after = await runWorkload(opened.rest, { seed: 20261209, operations: 40, concurrency: 2 });
    expect(after.unexpected).to.deep.equal([]);
    expect(await checkOnceQuiet(opened.rest, { acceptedOrderIds: [...before, ...after.acceptedOrderIds] }, 120_000)).to.deep.equal([]);
  });
});
