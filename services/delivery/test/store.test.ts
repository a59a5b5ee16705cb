import { expect } from 'chai';
import { DeliveryCancelled, DeliveryStarted } from '#contracts/events/v1/delivery.js';
import { DeliveryState } from '#contracts/delivery/v1/delivery.js';
import { openDatabase, type Database } from '#kit/db/database.js';
import { DomainError } from '#kit/domain/errors.js';
import { NotYet } from '#kit/events/event.js';
import { EventHeader } from '#kit/events/headers.js';
import { eventMigrations } from '#kit/events/migrations.js';
import { recordedEvents } from '#kit-testing/outbox.js';
import { rejectionOf } from '#kit-testing/domain-errors.js';
import { createTestStore, storeKinds } from '#kit-testing/stores.js';
import type { TestDatabase } from '#kit-testing/postgres.js';
import { CourierCommands } from '../src/app/courier-commands.js';
import { DeliveryPolicies } from '../src/app/delivery-policies.js';
import { DeliveryQueries } from '../src/app/delivery-queries.js';
import { systemClock } from '../src/app/ports.js';
import { deliveryMigrations } from '../src/adapters/db/migrations.js';
import { KnexDeliveryStore } from '../src/adapters/db/knex-delivery-store.js';
import type { NewDelivery } from '../src/domain/delivery.js';

const everything = { orderId: 0, customerId: 0, states: [] } as const;
const firstPage = { pageSize: 100, pageToken: '' };

for (const kind of storeKinds) {
  describe(`delivery store on ${kind}`, () => {
    let testStore: TestDatabase;
    let db: Database;
    let store: KnexDeliveryStore;
    let courier: CourierCommands;
    let queries: DeliveryQueries;
    const policies = new DeliveryPolicies(systemClock);
    let nextOrderId = 1000;

    before(async () => {
      testStore = await createTestStore(kind, 'delivery');
      db = await openDatabase(testStore.url, [...eventMigrations, ...deliveryMigrations]);
      store = new KnexDeliveryStore(db);
      courier = new CourierCommands(store, systemClock);
      queries = new DeliveryQueries(store);
    });

    after(async () => {
      await db.close();
      await testStore.drop();
    });

    const outbox = () => recordedEvents(db.knex);
    const newOrder = (customerId = 7): NewDelivery => ({
      orderId: (nextOrderId += 1),
      customerId,
      bookId: 3,
      quantity: 2,
      deliveryAddress: '1 Tower Hill, London',
    });
    const deliveryOf = async (orderId: number) => {
      const [found] = (await queries.deliveries({ ...everything, orderId }, firstPage)).items;
      if (found === undefined) throw new Error(`no delivery for order ${orderId}`);
      return found;
    };
    /** A started delivery; the order confirmed the start unless told otherwise, so a courier may move it. */
    const placeAndStart = async (customerId = 7, confirmed = true) => {
      const order = newOrder(customerId);
      await store.transaction((tx) => policies.whenOrderPlaced(tx, order));
      await store.transaction((tx) => policies.whenBookPrepared(tx, order.orderId));
      if (confirmed) await store.transaction((tx) => policies.whenOrderConfirmedStart(tx, order.orderId));
      return deliveryOf(order.orderId);
    };

    it('creates a READY delivery for a placed order, once', async () => {
      const order = newOrder();
      await store.transaction((tx) => policies.whenOrderPlaced(tx, order));
      await store.transaction((tx) => policies.whenOrderPlaced(tx, order));
      const deliveries = (await queries.deliveries({ ...everything, orderId: order.orderId }, firstPage)).items;
      expect(deliveries).to.have.length(1);
      expect(deliveries[0]).to.include({ ...order, state: 'READY' });
      expect(await queries.delivery(deliveries[0]?.id ?? 0)).to.deep.equal(deliveries[0]);
    });

    it('starts a delivery when its book is prepared and records DeliveryStarted, correlated by the order', async () => {
      const before = (await outbox()).length;
      const delivery = await placeAndStart();
      expect(delivery.state).to.equal('STARTED');
      const recorded = (await outbox()).slice(before);
      expect(recorded.map((entry) => entry.subject)).to.deep.equal(['bookstore.delivery.DeliveryStarted']);
      const [entry] = recorded;
      if (entry === undefined) throw new Error('no event recorded');
      expect(DeliveryStarted.decode(entry.payload)).to.deep.equal({ deliveryId: delivery.id, orderId: delivery.orderId, state: DeliveryState.STARTED });
      expect(JSON.parse(entry.headers)).to.include({ [EventHeader.correlationId]: String(delivery.orderId) });
    });

    it('waits (NotYet) for OrderPlaced when BookPrepared, the confirmation or OrderCancelled comes first, writing nothing', async () => {
      const before = (await outbox()).length;
      const orderId = (nextOrderId += 1);
      for (const early of [policies.whenBookPrepared.bind(policies), policies.whenOrderConfirmedStart.bind(policies), policies.whenOrderCancelled.bind(policies)]) {
        const error = await store.transaction((tx) => early(tx, orderId)).catch((caught: unknown) => caught);
        expect(error).to.be.instanceOf(NotYet);
      }
      expect((await outbox()).length).to.equal(before);
      expect((await queries.deliveries({ ...everything, orderId }, firstPage)).items).to.deep.equal([]);
    });

    it('moves a delivery forward on courier updates and records DeliveryStatusChanged each time', async () => {
      const delivery = await placeAndStart();
      const before = (await outbox()).length;
      expect((await courier.updateDeliveryStatus(delivery.id, 'IN_TRANSIT')).state).to.equal('IN_TRANSIT');
      expect((await courier.updateDeliveryStatus(delivery.id, 'DELIVERED')).state).to.equal('DELIVERED');
      expect((await queries.delivery(delivery.id)).state).to.equal('DELIVERED');
      expect((await outbox()).slice(before).map((entry) => entry.subject)).to.deep.equal([
        'bookstore.delivery.DeliveryStatusChanged',
        'bookstore.delivery.DeliveryStatusChanged',
      ]);
    });

    it('writes nothing when a courier update is refused', async () => {
      const order = newOrder();
      await store.transaction((tx) => policies.whenOrderPlaced(tx, order));
      const ready = await deliveryOf(order.orderId);
      const before = await outbox();
      expect((await rejectionOf(courier.updateDeliveryStatus(ready.id, 'IN_TRANSIT'))).kind).to.equal('precondition');
      expect((await rejectionOf(courier.updateDeliveryStatus(ready.id, 'STARTED'))).field).to.equal('state');
      expect((await rejectionOf(courier.updateDeliveryStatus(0, 'IN_TRANSIT'))).field).to.equal('id');
      expect((await rejectionOf(courier.updateDeliveryStatus(999_999, 'IN_TRANSIT'))).kind).to.equal('not_found');
      expect(await outbox()).to.deep.equal(before);
      expect(await queries.delivery(ready.id)).to.deep.equal(ready);
    });

    it('keeps a STARTED delivery where it is until the order confirmed the start, writing nothing, and moves it after', async () => {
      const started = await placeAndStart(7, false);
      const before = await outbox();
      const refused = await rejectionOf(courier.updateDeliveryStatus(started.id, 'IN_TRANSIT'));
      expect(refused.kind).to.equal('precondition');
      expect(refused.message).to.contain(`order ${started.orderId} has not confirmed the delivery start yet; try again shortly`);
      expect(await outbox()).to.deep.equal(before);
      expect(await queries.delivery(started.id)).to.deep.equal(started);

      await store.transaction((tx) => policies.whenOrderConfirmedStart(tx, started.orderId));
      await store.transaction((tx) => policies.whenOrderConfirmedStart(tx, started.orderId));
      expect(await outbox()).to.deep.equal(before);
      expect((await courier.updateDeliveryStatus(started.id, 'IN_TRANSIT')).state).to.equal('IN_TRANSIT');
    });

    it('cancels a STARTED delivery the order has not confirmed, and the courier cannot move it afterwards', async () => {
      const started = await placeAndStart(7, false);
      await store.transaction((tx) => policies.whenOrderCancelled(tx, started.orderId));
      expect((await queries.delivery(started.id)).state).to.equal('CANCELLED');
      expect((await rejectionOf(courier.updateDeliveryStatus(started.id, 'IN_TRANSIT'))).message).to.contain('cancelled');
    });

    it('lets exactly one of two concurrent identical courier updates through', async () => {
      const delivery = await placeAndStart();
      const before = (await outbox()).length;
      const outcomes = await Promise.allSettled([
        courier.updateDeliveryStatus(delivery.id, 'IN_TRANSIT'),
        courier.updateDeliveryStatus(delivery.id, 'IN_TRANSIT'),
      ]);
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).to.have.length(1);
      const refused = outcomes.find((outcome) => outcome.status === 'rejected');
      expect(refused?.reason).to.be.instanceOf(DomainError).with.property('kind', 'precondition');
      expect((await outbox()).slice(before).map((entry) => entry.subject)).to.deep.equal(['bookstore.delivery.DeliveryStatusChanged']);
    });

    it('cancels (recalls) a delivery on its way, keeps a delivered one, and ignores a late BookPrepared', async () => {
      const onItsWay = await placeAndStart();
      await courier.updateDeliveryStatus(onItsWay.id, 'IN_TRANSIT');
      const delivered = await placeAndStart();
      await courier.updateDeliveryStatus(delivered.id, 'IN_TRANSIT');
      await courier.updateDeliveryStatus(delivered.id, 'DELIVERED');
      const ready = newOrder();
      await store.transaction((tx) => policies.whenOrderPlaced(tx, ready));

      const before = (await outbox()).length;
      for (const orderId of [onItsWay.orderId, delivered.orderId, ready.orderId]) {
        await store.transaction((tx) => policies.whenOrderCancelled(tx, orderId));
      }
      // The cancelled order's book was prepared before the cancellation reached catalog.
      await store.transaction((tx) => policies.whenBookPrepared(tx, ready.orderId));

      expect((await deliveryOf(onItsWay.orderId)).state).to.equal('CANCELLED');
      expect((await deliveryOf(delivered.orderId)).state).to.equal('DELIVERED');
      expect((await deliveryOf(ready.orderId)).state).to.equal('CANCELLED');
      const recorded = (await outbox()).slice(before);
      expect(recorded.map((entry) => entry.subject)).to.deep.equal(['bookstore.delivery.DeliveryCancelled', 'bookstore.delivery.DeliveryCancelled']);
      expect(recorded.map((entry) => DeliveryCancelled.decode(entry.payload).previousState)).to.deep.equal([DeliveryState.IN_TRANSIT, DeliveryState.READY]);
      expect((await rejectionOf(courier.updateDeliveryStatus(onItsWay.id, 'DELIVERED'))).message).to.contain('cancelled');
    });

    it('filters deliveries by order, customer and states, and pages through them with a token', async () => {
      const customerId = 77;
      const started = [await placeAndStart(customerId), await placeAndStart(customerId), await placeAndStart(customerId)];
      const order = newOrder(customerId);
      await store.transaction((tx) => policies.whenOrderPlaced(tx, order));

      const ofCustomer = await queries.deliveries({ ...everything, customerId }, firstPage);
      expect(ofCustomer.items.map((d) => d.orderId)).to.deep.equal([...started.map((d) => d.orderId), order.orderId]);
      const ready = await queries.deliveries({ ...everything, customerId, states: ['READY'] }, firstPage);
      expect(ready.items.map((d) => d.orderId)).to.deep.equal([order.orderId]);
      const either = await queries.deliveries({ ...everything, customerId, states: ['READY', 'STARTED'] }, firstPage);
      expect(either.items).to.have.length(4);

      const seen: number[] = [];
      let pageToken = '';
      do {
        const page = await queries.deliveries({ ...everything, customerId }, { pageSize: 3, pageToken });
        expect(page.items.length).to.be.at.most(3);
        seen.push(...page.items.map((d) => d.id));
        pageToken = page.nextPageToken;
      } while (pageToken !== '');
      expect(seen).to.deep.equal(ofCustomer.items.map((d) => d.id));
    });

    it('refuses bad list and get requests, naming the field', async () => {
      expect((await rejectionOf(queries.deliveries({ ...everything, orderId: -1 }, firstPage))).field).to.equal('orderId');
      expect((await rejectionOf(queries.deliveries({ ...everything, customerId: -1 }, firstPage))).field).to.equal('customerId');
      expect((await rejectionOf(queries.deliveries(everything, { pageSize: 101, pageToken: '' }))).field).to.equal('pageSize');
      expect((await rejectionOf(queries.deliveries(everything, { pageSize: 1, pageToken: 'bogus' }))).field).to.equal('pageToken');
      expect((await rejectionOf(queries.delivery(0))).field).to.equal('id');
      expect((await rejectionOf(queries.delivery(999_999))).kind).to.equal('not_found');
    });
  });
}
