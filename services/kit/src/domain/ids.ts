import { invalid } from './errors.js';

/** An id a request names: a whole number > 0. */
export function checkId(field: string, id: number): number {
  if (!Number.isSafeInteger(id) || id <= 0) throw invalid(field, 'must be an id > 0');
  return id;
}

/** A filter id: 0 (the proto default) means "any". */
export function optionalId(field: string, id: number): number | undefined {
  if (id === 0) return undefined;
  if (!Number.isSafeInteger(id) || id < 0) throw invalid(field, 'must be an id > 0, or 0 for any');
  return id;
}
