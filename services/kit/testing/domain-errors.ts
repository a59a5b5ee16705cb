import { DomainError } from '#kit/domain/errors.js';

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

/** The domain error `promise` rejects with, for store and use-case tests; fails the test on anything else. */
export async function rejectionOf(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (error instanceof DomainError) return error;
  throw new Error(`expected a domain error, got ${String(error)}`);
}
