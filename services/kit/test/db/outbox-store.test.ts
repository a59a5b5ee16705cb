import { expect } from 'chai';
import { OrderPlaced } from '#contracts/events/v1/order.js';
import { openDatabase, type Database, type Knex } from '#kit/db/database.js';
import { OutboxStore } from '#kit/db/outbox-store.js';
import { OutboxTransaction } from '#kit/db/outbox-transaction.js';
import { requestKey } from '#kit/db/request-keys.js';
import { withCallContext } from '#kit/context/call-context.js';
import { GrpcError } from '#kit/grpc/grpc-error.js';
import { DomainError } from '#kit/domain/errors.js';
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

  insertShelf(label: string): Promise<number[]> {
    return this.trx('test_shelves').insert({ label }).returning('id').then((rows: ({ id: number } | number)[]) => rows.map((row) => (typeof row === 'number' ? row : row.id)));
  }

  lockingQuery(): string {
    return this.forUpdate(this.trx(outboxTable).where({ sequence: 1 })).toQuery();
  }

  async lockingStatement(): Promise<string> {
    const sql = this.lockingSql(`select sequence from ${outboxTable} where sequence = ?`);
    await this.statements.rows(sql, [1]);
    return sql;
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
      expect(await db.knex(outboxTable).pluck('subject')).to.deep.equal([orderPlaced.routedSubject, orderPlaced.routedSubject]);
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

    describe('the transaction: knex statements and prepared ones on one connection', () => {
      beforeEach(async () => {
        await db.knex.schema.createTable('test_shelves', (table) => {
          table.increments('id').primary();
          table.string('label').notNullable();
        });
      });

      it('commits both kinds together, and rolls both back when the work throws', async () => {
        await orders.transaction(async (tx) => {
          await tx.insertShelf('kept');
          await tx.record([1]);
        });
        const failure = await orders
          .transaction(async (tx) => {
            await tx.insertShelf('dropped');
            await tx.record([2]);
            throw new Error('refused');
          })
          .catch((error: unknown) => error);
        expect(failure).to.be.instanceOf(Error).with.property('message', 'refused');
        expect(await db.knex('test_shelves').pluck('label')).to.deep.equal(['kept']);
        expect(await db.knex(outboxTable).count({ n: '*' }).first()).to.deep.equal({ n: 1 });
      });

      it('refuses to commit once the call\'s deadline has passed, and writes nothing', async () => {
        const late = await withCallContext({ deadline: Date.now() + 50 }, () =>
          orders.transaction(async (tx) => {
            await tx.insertShelf('late');
            await tx.record([3]);
            await new Promise((resolve) => setTimeout(resolve, 60));
          }),
        ).catch((error: unknown) => error);
        expect(late).to.be.instanceOf(GrpcError).with.property('code', 4);
        expect(await db.knex('test_shelves').count({ n: '*' }).first()).to.deep.equal({ n: 0 });
        expect(await db.knex(outboxTable).count({ n: '*' }).first()).to.deep.equal({ n: 0 });
        expect(nudges).to.equal(0);
      });

      it('refuses statements of a transaction that has ended', async () => {
        const ended = await orders.transaction((tx) => Promise.resolve(tx));
        const refusal = (statement: () => Promise<unknown>): Promise<unknown> => Promise.resolve().then(statement).catch((error: unknown) => error);
        expect(await refusal(() => ended.insertShelf('stray'))).to.be.instanceOf(Error);
        expect(await refusal(() => ended.record([4]))).to.be.instanceOf(Error);
        expect(await db.knex('test_shelves').count({ n: '*' }).first()).to.deep.equal({ n: 0 });
        expect(await db.knex(outboxTable).count({ n: '*' }).first()).to.deep.equal({ n: 0 });
      });

      it('leaves the connection usable after a statement failed inside it', async () => {
        const failed = await orders.transaction((tx) => tx.insertShelf(null as unknown as string)).catch((error: unknown) => error);
        expect(failed).to.be.instanceOf(Error);
        await orders.transaction(async (tx) => {
          await tx.insertShelf('after');
          await tx.record([5]);
        });
        expect(await db.knex('test_shelves').pluck('label')).to.deep.equal(['after']);
      });
    });

    describe('createOnce: a create a client may retry with its requestId', () => {
      interface Shelf { id: number; label: string }
      const shelves = 'test_shelves';
      const addShelf = (label: string) => async (tx: OrdersTransaction): Promise<Shelf> => {
        const [id] = await tx.insertShelf(label);
        await tx.record([Number(id)]);
        return { id: Number(id), label };
      };
      const shelf = async (id: number): Promise<Shelf | undefined> => {
        const row = await db.knex<Shelf>(shelves).where({ id }).first();
        return row === undefined ? undefined : { id: row.id, label: row.label };
      };

      beforeEach(async () => {
        await db.knex.schema.createTable(shelves, (table) => {
          table.increments('id').primary();
          table.string('label').notNullable();
        });
      });

      it('runs once per key: a retry gets what the first one made and writes nothing', async () => {
        const key = requestKey('shelf', 'retry-1', { label: 'A' });
        const first = await orders.createOnce(key, addShelf('A'), shelf);
        const retry = await orders.createOnce(key, addShelf('A'), shelf);
        expect(retry).to.deep.equal(first);
        expect(await db.knex(shelves).count({ n: '*' }).first()).to.deep.equal({ n: 1 });
        expect(await db.knex(outboxTable).count({ n: '*' }).first()).to.deep.equal({ n: 1 });
      });

      it('creates once of two requests with one key racing each other', async () => {
        const key = requestKey('shelf', 'race-1', { label: 'B' });
        const [one, two] = await Promise.all([orders.createOnce(key, addShelf('B'), shelf), orders.createOnce(key, addShelf('B'), shelf)]);
        expect(one).to.deep.equal(two);
        expect(await db.knex(shelves).count({ n: '*' }).first()).to.deep.equal({ n: 1 });
      });

      it('refuses a key used before for a different request, and creates every time without a key', async () => {
        await orders.createOnce(requestKey('shelf', 'reused', { label: 'C' }), addShelf('C'), shelf);
        const refused = await orders.createOnce(requestKey('shelf', 'reused', { label: 'D' }), addShelf('D'), shelf).catch((error: unknown) => error);
        expect(refused).to.be.instanceOf(DomainError).and.include({ kind: 'precondition' });
        await orders.createOnce(requestKey('shelf', '', { label: 'E' }), addShelf('E'), shelf);
        await orders.createOnce(undefined, addShelf('E'), shelf);
        expect(await db.knex(shelves).pluck('label')).to.deep.equal(['C', 'E', 'E']);
      });

      it('refuses a requestId that is too long or holds control characters, naming requestId', () => {
        expect(() => requestKey('shelf', 'x'.repeat(101), {})).to.throw(DomainError).with.property('field', 'requestId');
        expect(() => requestKey('shelf', 'a\nb', {})).to.throw(DomainError).with.property('field', 'requestId');
      });
    });

    it(`locks the rows it reads for update ${kind === 'postgres' ? 'with FOR UPDATE' : 'by the transaction alone'}`, async () => {
      const query = await orders.transaction((tx) => Promise.resolve(tx.lockingQuery()));
      expect(query.toLowerCase().includes('for update')).to.equal(kind === 'postgres');
      const statement = await orders.transaction((tx) => tx.lockingStatement());
      expect(statement.toLowerCase().includes('for update')).to.equal(kind === 'postgres');
    });
  });
}
