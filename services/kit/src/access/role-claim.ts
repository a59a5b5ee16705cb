/**
 * A role of bookstore.access.v1.Role as an access token's `roles` claim spells it: BOOK_MANAGER is
 * "book-manager". The token service writes claims and the edges read declarations through this.
 */
export function roleClaimOf(enumName: string): string {
  return enumName.toLowerCase().replaceAll('_', '-');
}
