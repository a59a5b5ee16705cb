import { expect } from 'chai';
import { openDatabase, type Database } from '#kit/db/database.js';
import { eventMigrations } from '#kit/events/migrations.js';
import { createLogger } from '#kit/log/log.js';
import { processSamples, sampleSum } from '#kit-testing/metrics.js';
import type { TestDatabase } from '#kit-testing/postgres.js';
import { createTestStore, storeKinds } from '#kit-testing/stores.js';
import { callPolicy } from '#mesh/policy/resilience.js';
import { RunningProcessor } from '../../../mesh/card-processor/test/running-processor.js';
import { PaymentSettlement } from '../src/app/payment-settlement.js';
import { systemClock, type Clock } from '../src/app/ports.js';
import { Settler } from '../src/app/settler.js';
import { HttpCardProcessor } from '../src/adapters/card-processor/http-card-processor.js';
import { KnexPaymentStore } from '../src/adapters/db/knex-payment-store.js';
import { paymentMigrations } from '../src/adapters/db/migrations.js';
import { watchPendingPayments } from '../src/adapters/metrics/pending-payments.js';

const log = createLogger('payment-test', 'silent');
const anHour = 3_600_000;

for (const kind of storeKinds) {
  describe(`PENDING payments on /metrics, on ${kind}`, function () {
    this.timeout(30_000);
    let testStore: TestDatabase;
    let db: Database;
    let processor: RunningProcessor;
    let unwatch: () => void;

    before(async () => {
      testStore = await createTestStore(kind, 'payment_metrics');
      db = await openDatabase(testStore.url, [...eventMigrations, ...paymentMigrations]);
      processor = await RunningProcessor.start();
    });

    after(async () => {
      unwatch();
      await processor.stop();
      await db.close();
      await testStore.drop();
    });

    it('counts PENDING payments and the age of the oldest, and shows none once they are settled', async () => {
      const store = new KnexPaymentStore(db);
      unwatch = watchPendingPayments(store);
      const card = new HttpCardProcessor({ baseUrl: processor.url, policy: callPolicy('payment', 'card-processor'), inProcessResilience: false, log });
      // Payments recorded an hour ago, while the processor was down.
      const anHourAgo: Clock = { now: () => new Date(Date.now() - anHour) };
      await processor.faults({ outage: true });
      const then = new PaymentSettlement(store, card, anHourAgo);
      for (const orderId of [1, 2]) expect((await then.pay({ orderId, customerId: 3, amount: 1500, currency: 'KRW' })).state).to.equal('PENDING');
      const gauges = async (): Promise<{ pending: number; oldestAge: number }> => {
        const samples = await processSamples();
        return { pending: sampleSum(samples, 'bookstore_payments_pending'), oldestAge: sampleSum(samples, 'bookstore_payments_pending_oldest_age_seconds') };
      };
      const pending = await gauges();
      expect(pending.pending).to.equal(2);
      expect(pending.oldestAge).to.be.at.least(anHour / 1000);

      await processor.faults({});
      const settler = new Settler({ store, settlement: new PaymentSettlement(store, card, systemClock), clock: systemClock, log, intervalMs: 50 });
      expect(await settler.settleDue()).to.equal(2);
      expect(await gauges()).to.deep.equal({ pending: 0, oldestAge: 0 });
    });
  });
}
