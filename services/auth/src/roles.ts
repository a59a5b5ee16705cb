import { Role } from '#contracts/access/v1/access.js';
import { roleClaimOf } from '#kit/access/role-claim.js';

/** A role as the `roles` claim of an access token spells it: BOOK_MANAGER is "book-manager". */
export function roleClaim(role: Role): string {
  const name = Role[role];
  if (typeof name !== 'string' || role === Role.ROLE_UNSPECIFIED || role === Role.UNRECOGNIZED) throw new Error(`no role ${String(role)}`);
  return roleClaimOf(name);
}

/** The staff roles: each is one OAuth client of the client credentials grant, named after its role. */
export const staffRoles: readonly Role[] = [Role.BOOK_MANAGER, Role.COUPON_MANAGER, Role.COURIER, Role.AUDITOR];

export const customerRole = roleClaim(Role.CUSTOMER);
