import { expect } from 'chai';
import { openDatabase, type Database } from '#kit/db/database.js';
import { DomainError } from '#kit/domain/errors.js';
import { NotYet } from '#kit/events/event.js';
import { eventMigrations } from '#kit/events/migrations.js';
import { createLogger } from '#kit/log/log.js';
import { recordedEvents } from '#kit-testing/outbox.js';
import type { TestDatabase } from '#kit-testing/postgres.js';
import { createTestStore, storeKinds } from '#kit-testing/stores.js';
import { callPolicy } from '#mesh/policy/resilience.js';
import { RunningProcessor } from '../../../mesh/card-processor/test/running-processor.js';
import { PaymentPolicies } from '../src/app/payment-policies.js';
import { PaymentQueries } from '../src/app/payment-queries.js';
import { PaymentSettlement } from '../src/app/payment-settlement.js';
import { systemClock } from '../src/app/ports.js';
import { Settler } from '../src/app/settler.js';
import { HttpCardProcessor } from '../src/adapters/card-processor/http-card-processor.js';
import { KnexPaymentStore } from '../src/adapters/db/knex-payment-store.js';
import { paymentMigrations } from '../src/adapters/db/migrations.js';

const log = createLogger('payment-test', 'silent');
/** The mesh's payment -> card-processor policy, with a breaker that tries again soon, so a test need not wait 10 s. */
const policy = (() => {
  const declared = callPolicy('payment', 'card-processor');
  return { ...declared, retries: { ...declared.retries, perTryTimeoutMs: 300 }, circuitBreaker: { ...declared.circuitBreaker, baseEjectionMs: 200 } };
})();

for (const kind of storeKinds) {
  describe(`payment on ${kind}, charging a real card processor`, function () {
    this.timeout(30_000);
    let testStore: TestDatabase;
    let db: Database;
    let processor: RunningProcessor;
    let store: KnexPaymentStore;
    let settlement: PaymentSettlement;
    let settler: Settler;
    let queries: PaymentQueries;
    const policies = new PaymentPolicies(systemClock);
    let nextOrderId = 7000;
    const newOrderId = (): number => (nextOrderId += 1);

    before(async () => {
      testStore = await createTestStore(kind, 'payment');
      db = await openDatabase(testStore.url, [...eventMigrations, ...paymentMigrations]);
      processor = await RunningProcessor.start();
      store = new KnexPaymentStore(db);
      settlement = new PaymentSettlement(store, new HttpCardProcessor({ baseUrl: processor.url, policy, inProcessResilience: true, log }), systemClock);
      settler = new Settler({ store, settlement, clock: systemClock, log, intervalMs: 50 });
      queries = new PaymentQueries(store);
    });

    afterEach(async () => {
      await processor.faults({});
    });

    after(async () => {
      await processor.stop();
      await db.close();
      await testStore.drop();
    });

    const pay = (orderId: number, amount = 1500) => settlement.pay({ orderId, customerId: 3, amount, currency: 'KRW' });
    const paymentOf = async (orderId: number) => (await queries.payments(orderId, { pageSize: 10, pageToken: '' })).items;
    const chargesOf = async (orderId: number) => (await processor.ledgerEntries()).charges.filter((charge) => charge.idempotencyKey === `order-${orderId}-charge`);
    const refundsOf = async (orderId: number) => {
      const charges = new Set((await chargesOf(orderId)).map((charge) => charge.id));
      return (await processor.ledgerEntries()).refunds.filter((refund) => charges.has(refund.chargeId));
    };
    const subjectsSince = async (count: number): Promise<string[]> => (await recordedEvents(db.knex)).slice(count).map((row) => row.subject);
    const outboxLength = async (): Promise<number> => (await recordedEvents(db.knex)).length;
    /** Lets the settler run until `done`, then stops it. */
    const settleUntil = async (done: () => Promise<boolean>): Promise<void> => {
      const deadline = Date.now() + 10_000;
      while (!(await done())) {
        if (Date.now() > deadline) throw new Error('the settler did not settle in 10 s');
        await settler.settleDue();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const cancel = (orderId: number) => store.transaction((tx) => policies.whenOrderCancelled(tx, orderId));

    it('pays an order once: PAID, PaymentCompleted, one charge, and a repeated Pay answers the same', async () => {
      const orderId = newOrderId();
      const before = await outboxLength();
      const paid = await pay(orderId);
      expect(paid).to.include({ orderId, state: 'PAID', amount: 1500, currency: 'KRW', attempts: 1 });
      expect(paid.providerReference).to.match(/^ch_/);
      expect(await pay(orderId)).to.deep.equal(paid);
      expect(await subjectsSince(before)).to.deep.equal(['bookstore.payment.PaymentCompleted']);
      expect(await chargesOf(orderId)).to.have.length(1);
    });

    it('refuses bad input naming the field and writes nothing', async () => {
      const before = await outboxLength();
      for (const [input, field] of [
        [{ orderId: 0, customerId: 3, amount: 1, currency: 'KRW' }, 'orderId'],
        [{ orderId: 1, customerId: 3, amount: -1, currency: 'KRW' }, 'amount'],
        [{ orderId: 1, customerId: 3, amount: 2 ** 53, currency: 'KRW' }, 'amount'],
        [{ orderId: 1, customerId: 3, amount: 1, currency: 'XXX' }, 'currency'],
      ] as const) {
        const error = await settlement.pay(input).catch((caught: unknown) => caught);
        expect(error).to.be.instanceOf(DomainError).and.include({ field });
      }
      expect(await outboxLength()).to.equal(before);
      expect(await paymentOf(1)).to.deep.equal([]);
    });

    it('declines above the card limit: DECLINED with the reason, PaymentDeclined, nothing charged', async () => {
      await processor.faults({ declineAbove: 1000 });
      const orderId = newOrderId();
      const before = await outboxLength();
      const declined = await pay(orderId, 5000);
      expect(declined).to.include({ state: 'DECLINED' });
      expect(declined.declineReason).to.include('limit');
      expect(await subjectsSince(before)).to.deep.equal(['bookstore.payment.PaymentDeclined']);
      expect((await processor.ledgerEntries()).charges.map((charge) => charge.reference)).to.not.include(`order ${orderId}`);
    });

    it('answers PENDING in an outage and the settler pays once the processor is back', async () => {
      await processor.faults({ outage: true });
      const orderId = newOrderId();
      expect(await pay(orderId)).to.include({ state: 'PENDING', attempts: 1 });
      await processor.faults({});
      await settleUntil(async () => (await paymentOf(orderId))[0]?.state === 'PAID');
      expect(await chargesOf(orderId)).to.have.length(1);
    });

    it('opens the breaker after 5 failures in a row, answers PENDING without calling, and closes once the processor is back', async () => {
      await processor.faults({ outage: true });
      const orderIds = [newOrderId(), newOrderId(), newOrderId(), newOrderId(), newOrderId(), newOrderId()];
      for (const orderId of orderIds.slice(0, 5)) expect(await pay(orderId)).to.include({ state: 'PENDING', attempts: 1 });
      // The breaker is open: the sixth is not even tried.
      expect(await pay(orderIds[5] ?? 0)).to.include({ state: 'PENDING', attempts: 0 });
      await processor.faults({});
      await settleUntil(async () => (await Promise.all(orderIds.map(paymentOf))).every(([payment]) => payment?.state === 'PAID'));
      for (const orderId of orderIds) expect(await chargesOf(orderId)).to.have.length(1);
    });

    it('does not charge again a charge that timed out but went through: it is looked up by its key', async () => {
      await processor.faults({ latencyMs: 600 });
      const orderId = newOrderId();
      expect(await pay(orderId)).to.include({ state: 'PENDING', attempts: 1 });
      await new Promise((resolve) => setTimeout(resolve, 700));
      await processor.faults({});
      expect(await chargesOf(orderId)).to.have.length(1);
      await settleUntil(async () => (await paymentOf(orderId))[0]?.state === 'PAID');
      expect(await chargesOf(orderId)).to.have.length(1);
      expect((await paymentOf(orderId))[0]?.providerReference).to.equal((await chargesOf(orderId))[0]?.id);
    });

    it('charges once for concurrent Pay calls and a redelivered OrderPlaced', async () => {
      const orderId = newOrderId();
      const placed = () => store.transaction((tx) => policies.whenOrderPlaced(tx, { orderId, customerId: 3, amount: 900, currency: 'KRW' }));
      await Promise.all([pay(orderId, 900), pay(orderId, 900), placed(), pay(orderId, 900), placed()]);
      await settleUntil(async () => (await paymentOf(orderId))[0]?.state === 'PAID');
      expect(await paymentOf(orderId)).to.have.length(1);
      expect(await chargesOf(orderId)).to.have.length(1);
    });

    it('refunds a cancelled PAID order once, however often the cancellation arrives', async () => {
      const orderId = newOrderId();
      await pay(orderId);
      await cancel(orderId);
      await cancel(orderId);
      const before = await outboxLength();
      await settleUntil(async () => (await paymentOf(orderId))[0]?.state === 'REFUNDED');
      await cancel(orderId);
      await settler.settleDue();
      expect(await subjectsSince(before)).to.deep.equal(['bookstore.payment.PaymentRefunded']);
      expect(await refundsOf(orderId)).to.have.length(1);
      expect((await paymentOf(orderId))[0]?.refundedAt).to.be.instanceOf(Date);
    });

    it('voids a cancelled PENDING order, never charges it, and refunds a charge that landed after the void', async () => {
      await processor.faults({ outage: true });
      const never = newOrderId();
      await pay(never);
      const before = await outboxLength();
      await cancel(never);
      expect(await subjectsSince(before)).to.deep.equal(['bookstore.payment.PaymentVoided']);
      await processor.faults({});
      await settleUntil(async () => (await paymentOf(never))[0]?.refundDue === false);
      expect(await chargesOf(never)).to.have.length(0);
      expect((await paymentOf(never))[0]?.state).to.equal('VOIDED');

      await processor.faults({ latencyMs: 600 });
      const late = newOrderId();
      expect(await pay(late)).to.include({ state: 'PENDING' });
      await cancel(late);
      await new Promise((resolve) => setTimeout(resolve, 700));
      await processor.faults({});
      expect(await chargesOf(late)).to.have.length(1);
      await settleUntil(async () => (await paymentOf(late))[0]?.refundDue === false);
      expect(await refundsOf(late)).to.have.length(1);
      expect((await paymentOf(late))[0]?.state).to.equal('VOIDED');
    });

    it('asks for OrderPlaced first when a cancellation overtakes it', async () => {
      const error = await cancel(newOrderId()).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(NotYet);
    });
  });
}
