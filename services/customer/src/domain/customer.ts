import { invalid } from '#kit/domain/errors.js';
import { checkPrintable } from '#kit/domain/text.js';

/** Someone registered with the shop. Ordering does not require it: other contexts treat customer ids as opaque. */
export interface Customer {
  id: number;
  name: string;
  /** Optional; a valid address when given. */
  email: string | undefined;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewCustomer {
  name: string;
  /** Empty or absent for none. */
  email?: string | undefined;
}

export const NAME_MAX = 100;
/** The longest address SMTP can carry (RFC 5321 path limit less the angle brackets). */
export const EMAIL_MAX = 254;

/** One @, a non-empty local part and a dotted domain, no spaces: what a shop can check without sending mail. */
const emailShape = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export function registerCustomer(input: NewCustomer): Pick<Customer, 'name' | 'email'> {
  const name = checkPrintable('name', input.name).trim();
  if (name.length === 0) throw invalid('name', 'must not be empty');
  // Code points, as PostgreSQL's varchar(100) counts them, not UTF-16 units.
  if (Array.from(name).length > NAME_MAX) throw invalid('name', `must be at most ${NAME_MAX} characters`);
  return { name, email: checkEmail(input.email ?? '') };
}

function checkEmail(email: string): string | undefined {
  const trimmed = checkPrintable('email', email).trim();
  if (trimmed === '') return undefined;
  if (trimmed.length > EMAIL_MAX) throw invalid('email', `must be at most ${EMAIL_MAX} characters`);
  if (!emailShape.test(trimmed)) throw invalid('email', 'must be an address like name@example.com');
  return trimmed;
}
