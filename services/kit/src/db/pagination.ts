import { invalid } from '../domain/errors.js';

/** A page request as the API takes it: pageSize 0 means the default. */
export interface PageRequest {
  pageSize: number;
  pageToken: string;
}

export interface Page<T> {
  items: T[];
  nextPageToken: string;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/**
 * Keyset pagination on an increasing id: the token is the last id seen, opaque to clients
 * (base64url), so pages stay stable while rows are added.
 */
export function readPageRequest(request: PageRequest): { limit: number; afterId: number } {
  if (!Number.isInteger(request.pageSize) || request.pageSize < 0 || request.pageSize > MAX_PAGE_SIZE) {
    throw invalid('pageSize', `must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  const limit = request.pageSize === 0 ? DEFAULT_PAGE_SIZE : request.pageSize;
  if (request.pageToken === '') return { limit, afterId: 0 };
  const decoded = Buffer.from(request.pageToken, 'base64url').toString('utf8');
  const match = /^after:(\d+)$/.exec(decoded);
  if (match?.[1] === undefined) throw invalid('pageToken', 'is not a token this service issued');
  return { limit, afterId: Number(match[1]) };
}

/** Builds a page from `limit + 1` rows fetched in id order. */
export function toPage<T extends { id: number }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const nextPageToken =
    rows.length > limit && last !== undefined ? Buffer.from(`after:${last.id}`, 'utf8').toString('base64url') : '';
  return { items, nextPageToken };
}

/** What pageById asks of a query; knex's query builders have it. */
interface IdOrderedQuery<R> {
  where(column: 'id', operator: '>', value: number): IdOrderedQuery<R>;
  orderBy(column: 'id'): IdOrderedQuery<R>;
  limit(count: number): PromiseLike<R[]>;
}

/** The requested page of `query`'s rows (already filtered) in id order, each made an item by `toItem`. */
export async function pageById<R, T extends { id: number }>(query: IdOrderedQuery<R>, request: PageRequest, toItem: (row: R) => T): Promise<Page<T>> {
  const { limit, afterId } = readPageRequest(request);
  const rows = await query.where('id', '>', afterId).orderBy('id').limit(limit + 1);
  return toPage(rows.map(toItem), limit);
}
