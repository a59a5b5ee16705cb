import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Page, type PageRequest } from '#kit/db/pagination.js';
import { invalid } from '#kit/domain/errors.js';
import type { MyCouponEntry } from '../../domain/my-coupon.js';

/**
 * Keyset pagination of a coupon history, which is ordered by event time (events arrive in any
 * order, so not by anything that increases as they arrive), ties broken by stream position. The
 * token is the last entry's key, opaque to clients (base64url).
 */
export interface HistoryKey {
  eventTimeMs: number;
  streamSequence: number;
}

export function readHistoryPage(request: PageRequest): { limit: number; after: HistoryKey | undefined } {
  if (!Number.isInteger(request.pageSize) || request.pageSize < 0 || request.pageSize > MAX_PAGE_SIZE) {
    throw invalid('pageSize', `must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  const limit = request.pageSize === 0 ? DEFAULT_PAGE_SIZE : request.pageSize;
  if (request.pageToken === '') return { limit, after: undefined };
  const match = /^after:(\d+):(\d+)$/.exec(Buffer.from(request.pageToken, 'base64url').toString('utf8'));
  if (match?.[1] === undefined || match[2] === undefined) throw invalid('pageToken', 'is not a token this service issued');
  return { limit, after: { eventTimeMs: Number(match[1]), streamSequence: Number(match[2]) } };
}

/** Builds a page from `limit + 1` entries fetched in history order. */
export function toHistoryPage(entries: MyCouponEntry[], limit: number): Page<MyCouponEntry> {
  const items = entries.slice(0, limit);
  const last = items[items.length - 1];
  const nextPageToken =
    entries.length > limit && last !== undefined
      ? Buffer.from(`after:${last.eventTime.getTime()}:${last.streamSequence}`, 'utf8').toString('base64url')
      : '';
  return { items, nextPageToken };
}
