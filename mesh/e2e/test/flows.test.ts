import { expect } from 'chai';
import { RestError } from '../../invariants/rest-client.js';
import { field, id, Shop, type Json } from './shop.js';

/** Every flow of DOMAIN.md, through the REST edge of the whole local mesh. */
describe('the shop end to end, through the REST edge', function () {
  this.timeout(180_000);
  let shop: Shop;

  before(async () => {
    shop = await Shop.open();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(shop.problems().join('\n'));
  });

  after(async () => {
    await shop.close();
  });

  const rest = () => shop.rest;
  const newBook = async (stock: number, bookName = `Book ${stock}`): Promise<string> =>
    id(await rest().post('/books', { bookName, stock, price: 1500 }));
  const newCustomer = async (name: string): Promise<string> => id(await rest().post('/customers', { name, email: `${name.toLowerCase()}@example.com` }));
  const newCoupon = async (customerId: string, discount = 300): Promise<string> => id(await rest().post('/coupons', { customerId, discount }));
  const placeOrder = async (order: Json): Promise<Json> => (await rest().post('/orders', { quantity: 1, deliveryAddress: '1 Baker Street', ...order })) as Json;
  const first = async (path: string, key: string, query: Json): Promise<Json | undefined> =>
    ((await rest().get(path, query as Record<string, string>)) as Record<string, Json[] | undefined>)[key]?.[0];
  const stateOf = async (path: string, key: string, orderId: string): Promise<unknown> => field(await first(path, key, { orderId }), 'state');
  const orderState = async (orderId: string): Promise<unknown> => field(await rest().get(`/orders/${orderId}`), 'state');
  const deliverableState = (orderId: string) => stateOf('/deliverables', 'deliverables', orderId);
  const deliveryState = (orderId: string) => stateOf('/deliveries', 'deliveries', orderId);
  const couponState = async (couponId: string): Promise<unknown> => field(await rest().get(`/coupons/${couponId}`), 'state');
  const stock = async (bookId: string): Promise<unknown> => field(await rest().get(`/books/${bookId}`), 'stock');
  const myPageRow = async (customerId: string, orderId: string): Promise<Json | undefined> =>
    ((await rest().get(`/myPages/${customerId}`)) as { rows?: Json[] }).rows?.find((row) => row.orderId === orderId);
  const becomes = <T>(what: string, read: () => Promise<T>, expected: T): Promise<T> => shop.eventually(what, read, (value) => value === expected);
  /**
   * A courier's update, asked again while delivery answers "try again shortly": the order has
   * confirmed the start, but its confirmation is still an event on its way to delivery.
   */
  const courierMoves = async (deliveryId: string, state: string): Promise<void> => {
    const attempt = async (): Promise<string> => {
      try {
        await rest().patch(`/deliveries/${deliveryId}`, { state });
        return 'moved';
      } catch (error) {
        if (error instanceof RestError && JSON.stringify(error.body).includes('has not confirmed the delivery start yet')) return 'waiting for the confirmation';
        throw error;
      }
    };
    await shop.eventually(`the courier to move delivery ${deliveryId} to ${state}`, attempt, (outcome) => outcome === 'moved');
  };

  describe('the catalog through REST', () => {
    it('creates, lists, gets, updates and stocks books, and lists stock inputs and deliverables', async () => {
      const book = (await rest().post('/books', { bookName: 'LondonTour', stock: 100 })) as Json;
      expect(book).to.include({ bookName: 'LondonTour', stock: '100', price: '0' });
      const bookId = id(book);
      expect(await rest().get(`/books/${bookId}`)).to.deep.include({ bookName: 'LondonTour' });
      const all = await rest().all('/books', 'books');
      expect(all.map(id)).to.include(bookId);
      expect(await rest().patch(`/books/${bookId}`, { price: 1200 })).to.include({ price: '1200', bookName: 'LondonTour' });
      const input = (await rest().post('/stockInputs', { bookId, quantity: 20, inCharger: 'kim' })) as Json;
      expect(input).to.include({ bookId, quantity: '20', inCharger: 'kim' });
      expect(await stock(bookId)).to.equal('120');
      const inputs = (await rest().get('/stockInputs', { bookId })) as { stockInputs: Json[] };
      expect(inputs.stockInputs.map((entry) => entry.quantity)).to.deep.equal(['20']);
      expect(await rest().get('/deliverables', { bookId })).to.deep.include({ deliverables: [] });
    });

    it('answers bad input with 400 naming the field, and a missing book with 404', async () => {
      const empty = await Shop.refusal(rest().post('/books', { bookName: '', stock: 1 }));
      expect(empty).to.deep.include({ status: 400, code: 3, reason: 'INVALID_FIELD', fields: ['bookName'] });
      expect(empty.message).to.match(/^bookName: /);
      const zero = await Shop.refusal(rest().post('/stockInputs', { bookId: 1, quantity: 0, inCharger: 'kim' }));
      expect(zero.message).to.match(/^quantity: /);
      expect(zero.fields).to.deep.equal(['quantity']);
      const missing = await Shop.refusal(rest().get('/books/987654'));
      expect(missing).to.include({ status: 404, code: 5, reason: 'BOOK_NOT_FOUND' });
      const hex = await Shop.refusal(rest().get('/books/0x10'));
      expect(hex).to.deep.include({ status: 400, fields: ['id'] });
      const past53Bits = await Shop.refusal(rest().get('/books/9007199254740992'));
      expect(past53Bits).to.deep.include({ status: 400, message: 'id: must be at most 9007199254740991', fields: ['id'] });
    });
  });

  it('an order with stock goes ORDERED -> DELIVERY_STARTED, then IN_TRANSIT -> DELIVERED on the courier\'s updates', async () => {
    const bookId = await newBook(5, 'In stock');
    const customerId = await newCustomer('Ada');
    const order = await placeOrder({ customerId, bookId, quantity: 2 });
    // Paid before PlaceOrder answers; the delivery may have started meanwhile.
    expect(order).to.include({ customerId, bookId, quantity: '2', paymentState: 'PAID' });
    expect(order.state).to.be.oneOf(['ORDERED', 'DELIVERY_STARTED']);
    const orderId = id(order);

    await becomes('the order to start delivery', () => orderState(orderId), 'DELIVERY_STARTED');
    expect(await deliverableState(orderId)).to.equal('PREPARED');
    expect(await stock(bookId)).to.equal('3');
    const delivery = await first('/deliveries', 'deliveries', { orderId });
    expect(delivery).to.include({ state: 'STARTED', deliveryAddress: '1 Baker Street' });

    await courierMoves(id(delivery), 'IN_TRANSIT');
    await becomes('the order to be in transit', () => orderState(orderId), 'IN_TRANSIT');
    await rest().patch(`/deliveries/${id(delivery)}`, { state: 'DELIVERED' });
    await becomes('the order to be delivered', () => orderState(orderId), 'DELIVERED');

    const row = await shop.eventually('my page to show the delivery', () => myPageRow(customerId, orderId), (r) => r?.deliveryState === 'DELIVERED');
    expect(row).to.include({ bookName: 'In stock', orderState: 'DELIVERED', quantity: '2' });
    const backwards = await Shop.refusal(rest().patch(`/deliveries/${id(delivery)}`, { state: 'IN_TRANSIT' }));
    expect(backwards.status).to.equal(400);
  });

  it('follows one order across every service with one grep on its id', async () => {
    const bookId = await newBook(3, 'Traced');
    const customerId = await newCustomer('Kim');
    const couponId = await newCoupon(customerId);
    const orderId = id(await placeOrder({ customerId, bookId, couponId }));
    await becomes('the order to start delivery', () => orderState(orderId), 'DELIVERY_STARTED');
    await shop.eventually('my page to show the started delivery', () => myPageRow(customerId, orderId), (row) => row?.deliveryState === 'STARTED');
    await becomes('the coupon to be used', () => couponState(couponId), 'USED');
    const services = await shop.eventually(
      'every service to log the order',
      () => Promise.resolve(new Set(shop.logs.filter((line) => line.includes(`"correlationId":"${orderId}"`)).map((line) => line.split(' ')[0]?.replace(/-\d+$/, '')))),
      (seen) => ['order', 'catalog', 'delivery', 'coupon', 'mypage'].every((service) => seen.has(service)),
    );
    expect([...services].sort()).to.include.members(['catalog', 'coupon', 'delivery', 'mypage', 'order']);
  });

  it('an order without stock stays ORDERED and WAITING until a stock input covers it, oldest first', async () => {
    const bookId = await newBook(0, 'Sold out');
    const customerId = await newCustomer('Bo');
    const large = id(await placeOrder({ customerId, bookId, quantity: 3 }));
    const small = id(await placeOrder({ customerId, bookId, quantity: 1 }));
    await becomes('the large order to wait', () => deliverableState(large), 'WAITING');
    await becomes('the small order to wait', () => deliverableState(small), 'WAITING');

    await rest().post('/stockInputs', { bookId, quantity: 2, inCharger: 'kim' });
    // The catalog handles its events in stream order: once a later order's deliverable exists, the
    // stock input before it has been handled too.
    const later = id(await placeOrder({ customerId, bookId, quantity: 5 }));
    await becomes('a later order to wait', () => deliverableState(later), 'WAITING');
    // Two copies would serve the small order, but the large one came first.
    expect(await deliverableState(small)).to.equal('WAITING');
    expect(await stock(bookId)).to.equal('2');
    expect(await orderState(large)).to.equal('ORDERED');

    await rest().post('/stockInputs', { bookId, quantity: 2, inCharger: 'kim' });
    await becomes('the large order to start delivery', () => orderState(large), 'DELIVERY_STARTED');
    await becomes('the small order to start delivery', () => orderState(small), 'DELIVERY_STARTED');
    expect(await stock(bookId)).to.equal('0');
  });

  it('cancelling while ORDERED undoes everything: deliverable, stock, delivery, coupon, my page', async () => {
    const bookId = await newBook(0, 'Cancelled');
    const customerId = await newCustomer('Cy');
    const couponId = await newCoupon(customerId);
    const orderId = id(await placeOrder({ customerId, bookId, quantity: 1, couponId }));
    await becomes('the coupon to be used', () => couponState(couponId), 'USED');
    await becomes('the deliverable to wait', () => deliverableState(orderId), 'WAITING');

    const cancelled = (await rest().delete(`/orders/${orderId}`)) as Json;
    expect(cancelled).to.include({ state: 'CANCELLED', cancelReason: 'CUSTOMER_REQUEST' });
    await becomes('the deliverable to be cancelled', () => deliverableState(orderId), 'CANCELLED');
    await becomes('the delivery to be cancelled', () => deliveryState(orderId), 'CANCELLED');
    await becomes('the coupon to be refunded', () => couponState(couponId), 'REFUNDED');
    const row = await shop.eventually('my page to show the cancellation', () => myPageRow(customerId, orderId), (r) => r?.deliveryState === 'CANCELLED');
    expect(row).to.include({ orderState: 'CANCELLED' });
    const history = await shop.eventually(
      'my coupons to show the refund',
      async () => ((await rest().get(`/mycoupons/${customerId}`)) as { entries: Json[] }).entries.map((entry) => entry.action),
      (actions) => actions.includes('REFUNDED'),
    );
    expect(history).to.deep.equal(['ISSUED', 'USED', 'REFUNDED']);
    expect(await stock(bookId)).to.equal('0');
  });

  it('returns the stock of a prepared order that is cancelled before its delivery starts', async () => {
    // With delivery down, a prepared order stays ORDERED, so it can still be cancelled.
    await shop.mesh.process('delivery').stop();
    const bookId = await newBook(2, 'Returned');
    const orderId = id(await placeOrder({ customerId: await newCustomer('Di'), bookId, quantity: 2 }));
    try {
      await becomes('the deliverable to be prepared', () => deliverableState(orderId), 'PREPARED');
      expect(await stock(bookId)).to.equal('0');
      expect(await orderState(orderId)).to.equal('ORDERED');
      await rest().delete(`/orders/${orderId}`);
      await becomes('the stock to come back', () => stock(bookId), '2');
      expect(await deliverableState(orderId)).to.equal('CANCELLED');
    } finally {
      await shop.mesh.process('delivery').start();
    }
    await becomes('the delivery, created late, to be cancelled', () => deliveryState(orderId), 'CANCELLED');
    expect(await orderState(orderId)).to.equal('CANCELLED');
  });

  it('refuses to cancel an order whose delivery has started', async () => {
    const bookId = await newBook(1, 'Too late');
    const orderId = id(await placeOrder({ customerId: await newCustomer('Ed'), bookId }));
    await becomes('the order to start delivery', () => orderState(orderId), 'DELIVERY_STARTED');
    const refused = await Shop.refusal(rest().delete(`/orders/${orderId}`));
    expect(refused).to.include({ status: 400, code: 9, reason: 'ORDER_NOT_CANCELLABLE' });
    expect(refused.message).to.contain('DELIVERY_STARTED');
    const withoutCoupon = (await rest().get(`/orders/${orderId}`)) as Json;
    expect(withoutCoupon).to.not.have.any.keys('couponId', 'cancelReason');
    expect(await orderState(orderId)).to.equal('DELIVERY_STARTED');
  });

  it('refuses unknown books, unknown coupons, used coupons and other customers\' coupons with clear errors', async () => {
    const bookId = await newBook(10, 'Coupon checks');
    const owner = await newCustomer('Flo');
    const other = await newCustomer('Gus');
    const couponId = await newCoupon(owner);

    const unknownBook = await Shop.refusal(placeOrder({ customerId: owner, bookId: '999999' }));
    expect(unknownBook).to.include({ status: 404, reason: 'BOOK_NOT_FOUND' });
    expect(unknownBook.message).to.contain('book 999999');
    const unknownCoupon = await Shop.refusal(placeOrder({ customerId: owner, bookId, couponId: '999999' }));
    expect(unknownCoupon).to.include({ status: 404, reason: 'COUPON_NOT_FOUND' });
    expect(unknownCoupon.message).to.contain('coupon 999999');
    const foreign = await Shop.refusal(placeOrder({ customerId: other, bookId, couponId }));
    expect(foreign).to.include({ status: 400, reason: 'COUPON_NOT_OWNED' });
    expect(foreign.message).to.contain(`customer ${other}`);
    const badQuantity = await Shop.refusal(placeOrder({ customerId: owner, bookId, quantity: 0 }));
    expect(badQuantity.message).to.match(/^quantity: /);

    await placeOrder({ customerId: owner, bookId, couponId });
    await becomes('the coupon to be used', () => couponState(couponId), 'USED');
    const used = await Shop.refusal(placeOrder({ customerId: owner, bookId, couponId }));
    expect(used).to.include({ status: 400, reason: 'COUPON_ALREADY_USED' });
    expect(used.message).to.contain('already used');
  });

  it('two concurrent orders with one coupon end with exactly one order keeping it', async () => {
    const bookId = await newBook(10, 'Race');
    const customerId = await newCustomer('Hal');
    const couponId = await newCoupon(customerId);
    // Both ask at once. The later one is refused at once if the coupon service has already used the
    // coupon for the first; otherwise both are accepted and the later one is cancelled (compensation).
    const racers = await Promise.allSettled([placeOrder({ customerId, bookId, couponId }), placeOrder({ customerId, bookId, couponId })]);
    const accepted = racers.flatMap((racer) => (racer.status === 'fulfilled' ? [id(racer.value)] : []));
    expect(accepted.length).to.be.oneOf([1, 2]);
    const states = await shop.eventually(
      'exactly one accepted order to keep the coupon',
      () => Promise.all(accepted.map(orderState)),
      (all) => all.filter((state) => state !== 'CANCELLED').length === 1 && all.length - 1 === all.filter((state) => state === 'CANCELLED').length,
    );
    const winner = accepted[states.findIndex((state) => state !== 'CANCELLED')] ?? '';
    const coupon = (await rest().get(`/coupons/${couponId}`)) as Json;
    expect(coupon).to.include({ state: 'USED', orderId: winner });
    for (const loser of accepted.filter((orderId) => orderId !== winner)) {
      expect(field(await rest().get(`/orders/${loser}`), 'cancelReason')).to.equal('COUPON_ALREADY_USED');
      await becomes('the loser\'s delivery to be cancelled', () => deliveryState(loser), 'CANCELLED');
    }
    for (const racer of racers) {
      if (racer.status === 'rejected') expect(String(racer.reason)).to.contain('already used');
    }
  });
});
