import { expect } from 'chai';
import { checkOnceQuiet } from '../../invariants/converge.js';
import { runWorkload } from '../../invariants/workload.js';
import { Shop } from './shop.js';

describe('events on a three-node NATS cluster', function () {
  this.timeout(300_000);
  let shop: Shop;

  before(async () => {
    shop = await Shop.open({ natsNodes: 3 });
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(shop.problems().join('\n'));
  });

  after(async () => {
    await shop.close();
  });

  it('loses nothing when one node is killed (SIGKILL) mid-workload: every stream keeps three copies', async () => {
    const [, victim] = shop.mesh.natsNodes;
    if (victim === undefined) throw new Error('the mesh started no three-node cluster');
    const workload = runWorkload(shop.rest, { seed: 20261207, operations: 150, concurrency: 4 });
    await shop.eventually('the workload to have placed orders', () => shop.rest.all('/orders', 'orders'), (orders) => orders.length >= 5);
    await victim.kill();
    const result = await workload;
    await victim.resume();
    expect(result.acceptedOrderIds.length).to.be.greaterThan(10);
    const violations = await checkOnceQuiet(shop.rest, { acceptedOrderIds: result.acceptedOrderIds }, 90_000);
    expect(violations).to.deep.equal([]);
  });
});
