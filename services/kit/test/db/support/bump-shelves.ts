import knexFactory, { type Knex } from 'knex';
import { knexConfigFor } from '#kit/db/database.js';
import { inStoreTransaction } from '#kit/db/store-transaction.js';

/**
 * A replica in a process of its own: increments the shelf's label `times` times, each in a
 * read-then-write transaction, by turns the kit's (inStoreTransaction) and knex's own.
 */
const [url, times] = process.argv.slice(2);
const knex = knexFactory(knexConfigFor(url ?? '').config);
const bump = async (trx: Knex.Transaction): Promise<void> => {
  const row = await trx<{ label: string }>('shelves').first();
  await trx('shelves').update({ label: String(Number(row?.label) + 1) });
};
for (let index = 0; index < Number(times); index += 1) {
  await (index % 2 === 0 ? inStoreTransaction(knex, bump) : knex.transaction(bump));
}
await knex.destroy();
