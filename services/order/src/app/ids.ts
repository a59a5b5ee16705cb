import { invalid } from '#kit/domain/errors.js';

export function checkId(field: string, id: number): number {
  if (!Number.isSafeInteger(id) || id <= 0) throw invalid(field, 'must be an id > 0');
  return id;
}
