/** What the customer context tells the rest of the shop; the email stays here (no other context needs it). */
export type CustomerEvent = { kind: 'CustomerRegistered'; customerId: number; name: string };
