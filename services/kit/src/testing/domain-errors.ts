import { DomainError } from '../domain/errors.js';

/**
 * What a domain rule refused, for unit tests: the field it named (invalid input) or the kind of
 * refusal (not_found, precondition, …); undefined when `work` was accepted. Other errors propagate.
 */
export function refusalOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error.field ?? error.kind;
    throw error;
  }
  return undefined;
}
