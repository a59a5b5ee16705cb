import { expect } from 'chai';
import { OrderPlaced } from '#contracts/events/v1/order.js';
import { openDatabase, type Database, type Knex } from '#kit/db/database.js';
import { OutboxStore } from '#kit/db/outbox-store.js';
import { OutboxTransaction } from '#kit/db/outbox-transaction.js';
import { defineEvent, type NewEvent } from '#kit/events/event.js';
import { eventMigrations, outboxTable } from '#kit/events/migrations.js';
import type { TestDatabase } from '#kit-testing/postgres.js';
import { createTestStore, storeKinds } from '#kit-testing/stores.js';

const orderPlaced = defineEvent('order', 'OrderPlaced', OrderPlaced);

/** A service's transaction adapter at its smallest: its domain events are order ids. */
class OrdersTransaction extends OutboxTransaction<number> {
  protected override toNewEvent(orderId: number): NewEvent {
    return { type: orderPlaced, payload: OrderPlaced.fromPartial({ orderId }), correlationId: String(orderId) };
  }

  lockingQuery(): string {
    return this.forUpdate(this.trx(outboxTable).where({ sequence: 1 })).toQuery();
  }
}

class OrdersStore extends OutboxStore<OrdersTransaction> {
  override within(trx: Knex.Transaction): OrdersTransaction {
    return new OrdersTransaction(trx, this.db.dialect);
  }
}

for (const kind of storeKinds) {
  describe(`a store with an outbox on ${kind}`, () => {
    let store: TestDatabase;
    let db: Database;
    let nudges: number;
    let orders: OrdersStore;

    beforeEach(async () => {
      store = await createTestStore(kind, 'outbox-store');
      db = await openDatabase(store.url, eventMigrations);
      nudges = 0;
      orders = new OrdersStore(db, () => {
        nudges += 1;
      });
    });

    afterEach(async () => {
      await db.close();
      await store.drop();
    });

    it('records events with the transaction and nudges the relay once it committed', async () => {
      const result = await orders.transaction(async (tx) => {
        await tx.record([1, 2]);
        await tx.record([]);
        return 'placed';
      });
      expect(result).to.equal('placed');
      expect(await db.knex(outboxTable).pluck('subject')).to.deep.equal(['bookstore.order.OrderPlaced', 'bookstore.order.OrderPlaced']);
      expect(nudges).to.equal(1);
    });

    it('does not nudge when nothing was recorded, nor when the transaction rolled back', async () => {
      await orders.transaction((tx) => tx.record([]));
      const failure = await orders
        .transaction(async (tx) => {
          await tx.record([3]);
          throw new Error('refused');
        })
        .catch((error: unknown) => error);
      expect(failure).to.be.instanceOf(Error);
      expect(await db.knex(outboxTable).pluck('subject')).to.deep.equal([]);
      expect(nudges).to.equal(0);
    });

    it(`locks the rows it reads for update ${kind === 'postgres' ? 'with FOR UPDATE' : 'by the transaction alone'}`, async () => {
      const query = await orders.transaction((tx) => Promise.resolve(tx.lockingQuery()));
      expect(query.toLowerCase().includes('for update')).to.equal(kind === 'postgres');
    });
  });
}
