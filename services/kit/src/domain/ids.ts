import { invalid } from './errors.js';

/** An id a request names: a whole number > 0. */
export function checkId(field: string, id: number): number {
  if (!Number.isSafeInteger(id) || id <= 0) throw invalid(field, 'must be an id > 0');
  return id;
}

/**
 * An id a request may leave out, the one reading of "0 means none" in requests: 0 (the proto
 * default) or absent is undefined, no coupon for an order, every customer for a filter.
 */
export function optionalId(field: string, id: number | undefined): number | undefined {
  if (id === undefined || id === 0) return undefined;
  if (!Number.isSafeInteger(id) || id < 0) throw invalid(field, 'must be an id > 0, or 0 to leave it out');
  return id;
}
