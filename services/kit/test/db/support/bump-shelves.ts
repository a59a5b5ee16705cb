import knexFactory from 'knex';
import { knexConfigFor } from '#kit/db/database.js';

/** A replica in a process of its own: increments the shelf's label `times` times, each in a read-then-write transaction. */
const [url, times] = process.argv.slice(2);
const knex = knexFactory(knexConfigFor(url ?? '').config);
for (let index = 0; index < Number(times); index += 1) {
  await knex.transaction(async (trx) => {
    const row = await trx<{ label: string }>('shelves').first();
    await trx('shelves').update({ label: String(Number(row?.label) + 1) });
  });
}
await knex.destroy();
