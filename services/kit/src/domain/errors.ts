/**
 * Errors a domain or use case raises, in the shop's words. Adapters map them to a protocol status
 * (gRPC code, HTTP status); the domain never knows which.
 */
export type DomainErrorKind = 'invalid' | 'not_found' | 'precondition';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    /** The request field at fault, for invalid input (lowerCamelCase, as clients send it). */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalid = (field: string, rule: string): DomainError => new DomainError('invalid', `${field}: ${rule}`, field);
export const notFound = (what: string): DomainError => new DomainError('not_found', `${what} not found`);
export const precondition = (message: string): DomainError => new DomainError('precondition', message);
