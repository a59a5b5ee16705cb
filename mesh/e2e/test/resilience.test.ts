import { Metadata } from '@grpc/grpc-js';
import { expect } from 'chai';
import { MyPageServiceClient, type ListMyPagesResponse } from '#contracts/mypage/v1/mypage.js';
import { clientCredentials, type TlsFiles } from '#kit/grpc/mutual-tls.js';
import { checkOnceQuiet } from '../../invariants/converge.js';
import { runWorkload } from '../../invariants/workload.js';
import { field, id, Shop, type Json } from './shop.js';

/** One replica's my page rows, asked directly over gRPC as the edge (which talks to the first replica only). */
async function myPageOrderIds(address: string, customerId: number, identity: TlsFiles): Promise<number[]> {
  const client = new MyPageServiceClient(address, clientCredentials(identity));
  try {
    const page = await new Promise<ListMyPagesResponse>((resolve, reject) => {
      client.listMyPages({ customerId, pageSize: 100, pageToken: '' }, new Metadata(), { deadline: Date.now() + 5_000 }, (error, response) => {
        if (error === null) resolve(response);
        else reject(error);
      });
    });
    return page.rows.map((row) => row.orderId).sort((a, b) => a - b);
  } finally {
    client.close();
  }
}

describe('the shop under failure and scale-out', function () {
  this.timeout(300_000);
  let shop: Shop;

  before(async () => {
    shop = await Shop.open({ replicas: { delivery: 2, mypage: 2 } });
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(shop.problems().join('\n'));
  });

  after(async () => {
    await shop.close();
  });

  const rest = () => shop.rest;
  const placeOrder = async (order: Json): Promise<string> =>
    id(await rest().post('/orders', { quantity: 1, deliveryAddress: '2 Mesh Road', ...order }));
  const orderState = async (orderId: string): Promise<unknown> => field(await rest().get(`/orders/${orderId}`), 'state');
  const deliveriesOf = async (orderId: string): Promise<Json[]> => ((await rest().get('/deliveries', { orderId })) as { deliveries: Json[] }).deliveries;

  /** Each order started delivery with exactly one delivery, and every my page replica shows them all. */
  const everyOrderStartedOnceAndOnEveryMyPage = async (customerId: string, orderIds: readonly string[]): Promise<void> => {
    for (const orderId of orderIds) {
      await shop.eventually(`order ${orderId} to start delivery`, () => orderState(orderId), (state) => state === 'DELIVERY_STARTED');
      expect(await deliveriesOf(orderId)).to.have.length(1);
    }
    const expected = JSON.stringify(orderIds.map(Number).sort((a, b) => a - b));
    for (const replica of [0, 1]) {
      const address = shop.mesh.grpcAddress('mypage', replica);
      await shop.eventually(`my page replica ${replica + 1} to show all ${orderIds.length} orders`, () => myPageOrderIds(address, Number(customerId), shop.mesh.tlsFiles('edge')), (ids) => JSON.stringify(ids) === expected);
    }
  };

  it('accepts orders while delivery and my page are down; both catch up when they return', async () => {
    const bookId = id(await rest().post('/books', { bookName: 'Decoupled', stock: 10 }));
    const customerId = id(await rest().post('/customers', { name: 'Ivy', email: 'ivy@example.com' }));
    const down = ['delivery', 'mypage'].flatMap((service) => [shop.mesh.process(service, 0), shop.mesh.process(service, 1)]);
    await Promise.all(down.map((process) => process.stop()));

    const orderIds = [await placeOrder({ customerId, bookId }), await placeOrder({ customerId, bookId, quantity: 2 })];
    expect(await Promise.all(orderIds.map(orderState))).to.deep.equal(['ORDERED', 'ORDERED']);

    await Promise.all(down.map((process) => process.start()));
    await everyOrderStartedOnceAndOnEveryMyPage(customerId, orderIds);
  });

  it('two delivery replicas handle every order once, and both my page replicas see every order', async () => {
    const bookId = id(await rest().post('/books', { bookName: 'Scaled', stock: 100 }));
    const customerId = id(await rest().post('/customers', { name: 'Jo', email: 'jo@example.com' }));
    const orderIds: string[] = [];
    for (let index = 0; index < 30; index += 1) orderIds.push(await placeOrder({ customerId, bookId }));
    await everyOrderStartedOnceAndOnEveryMyPage(customerId, orderIds);
  });

  it('my page catches up after nats-server is killed (SIGKILL) and restarted mid-stream, as the owning services do', async () => {
    const bookId = id(await rest().post('/books', { bookName: 'Broker restart', stock: 100 }));
    const customerId = id(await rest().post('/customers', { name: 'Kai', email: 'kai@example.com' }));
    const [nats] = shop.mesh.natsNodes;
    if (nats === undefined) throw new Error('the mesh runs no nats-server of its own');
    const logged = shop.logs.length;
    const orderIds: string[] = [];
    for (let index = 0; index < 5; index += 1) orderIds.push(await placeOrder({ customerId, bookId }));
    // Events of these orders are in flight: some published, some in the outboxes, some being applied.
    await nats.kill();
    orderIds.push(await placeOrder({ customerId, bookId }));
    await nats.resume();
    for (let index = 0; index < 5; index += 1) orderIds.push(await placeOrder({ customerId, bookId }));

    await everyOrderStartedOnceAndOnEveryMyPage(customerId, orderIds);
    // Each my page replica read again from its stored position once the broker was back, not after its consumer timed out.
    const readAgain = (label: string): boolean => shop.logs.slice(logged).some((line) => line.startsWith(`${label} `) && line.includes('the replay reads again from its stored position'));
    expect(['mypage-1', 'mypage-2'].filter(readAgain)).to.deep.equal(['mypage-1', 'mypage-2']);
  });

  it('answers ABORTED naming the catalog while it is down, and takes orders again when it returns', async () => {
    const bookId = id(await rest().post('/books', { bookName: 'Dependency', stock: 5 }));
    await shop.mesh.process('catalog').stop();
    try {
      const refused = await Shop.refusal(placeOrder({ customerId: 1, bookId }));
      expect(refused).to.include({ status: 409, code: 10 });
      expect(refused.message).to.contain('catalog');
    } finally {
      await shop.mesh.process('catalog').start();
    }
    const orderId = await shop.eventually(
      'an order to be accepted again',
      () => placeOrder({ customerId: 1, bookId }).catch(() => ''),
      (accepted) => accepted !== '',
    );
    expect(await orderState(orderId)).to.be.oneOf(['ORDERED', 'DELIVERY_STARTED']);
    // The edge reaches catalog over a channel of its own, reconnected within its backoff (channel-target.ts).
    await shop.eventually('the edge to reach catalog again', () => rest().get(`/books/${bookId}`).catch(() => undefined), (book) => book !== undefined);
  });

  it('keeps every invariant after a seeded workload of 500 mixed operations', async () => {
    const before = ((await rest().all('/orders', 'orders')) as Json[]).map(id).map(Number);
    const result = await runWorkload(rest(), { seed: 20261121, operations: 500, concurrency: 4 });
    console.log(`      workload outcomes: ${JSON.stringify(result.outcomes)}`);
    expect(result.unexpected).to.deep.equal([]);
    const placed = Object.values(result.outcomes.placeOrder ?? {}).reduce((sum, n) => sum + n, 0);
    expect(placed).to.be.greaterThan(50);
    expect(result.acceptedOrderIds.length).to.be.greaterThan(50);
    const violations = await checkOnceQuiet(rest(), { acceptedOrderIds: [...before, ...result.acceptedOrderIds] }, 90_000);
    expect(violations).to.deep.equal([]);
  });
});
