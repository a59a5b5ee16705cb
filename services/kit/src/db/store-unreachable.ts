/** SQLSTATEs of a PostgreSQL that refuses connections for now: starting up or recovering, too many. */
const refusing = new Set(['57P03', '53300']);

/**
 * Whether `error` says the store could not be reached at all: no connection was made (refused,
 * recovering, none free in the pool in time), so nothing ran and nothing was written. An error on
 * a connection already in use is not one of these: its transaction may have reached its commit.
 */
export function storeUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // knex exports no KnexTimeoutError at run time; its name and message say which timeout it was.
  if (error.name === 'KnexTimeoutError') return error.message.startsWith('Knex: Timeout acquiring a connection');
  if (!('code' in error)) return false;
  return error.code === 'ECONNREFUSED' || (typeof error.code === 'string' && refusing.has(error.code));
}
