/**
 * Errors a domain or use case raises, in the shop's words. Adapters map them to a protocol status
 * (gRPC code and google.rpc error details, HTTP status); the domain never knows which.
 */
export type DomainErrorKind = 'invalid' | 'not_found' | 'precondition';

/** What a client may branch on (google.rpc.ErrorInfo): a stable reason and the facts behind it. */
export interface Refusal {
  /** UPPER_SNAKE_CASE, declared in proto/bookstore/errors/v1/errors.proto; never reworded. */
  reason: string;
  /** lowerCamelCase keys, e.g. { orderId: '7', state: 'DELIVERED' }. */
  facts?: Readonly<Record<string, string>>;
}

/** The reason of every invalid request field; the field and its rule travel as a BadRequest violation. */
export const INVALID_FIELD = 'INVALID_FIELD';

export class DomainError extends Error {
  readonly reason: string;
  readonly facts: Readonly<Record<string, string>>;

  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    refusal: Refusal,
    /** The request field at fault, for invalid input (lowerCamelCase, as clients send it). */
    readonly field?: string,
    /** The rule the field broke, in words (`must not be empty`). */
    readonly rule?: string,
  ) {
    super(message);
    this.name = 'DomainError';
    this.reason = refusal.reason;
    this.facts = refusal.facts ?? {};
  }
}

export const invalid = (field: string, rule: string): DomainError => new DomainError('invalid', `${field}: ${rule}`, { reason: INVALID_FIELD }, field, rule);

/** `resource` in the shop's words (book, order): reason BOOK_NOT_FOUND, fact bookId. */
export const notFound = (resource: string, id: number): DomainError =>
  new DomainError('not_found', `${resource} ${id} not found`, {
    reason: `${resource.replace(/ /g, '_').toUpperCase()}_NOT_FOUND`,
    facts: { [`${resource.replace(/ (\w)/g, (_, letter: string) => letter.toUpperCase())}Id`]: String(id) },
  });

export const precondition = (refusal: Refusal, message: string): DomainError => new DomainError('precondition', message, refusal);
