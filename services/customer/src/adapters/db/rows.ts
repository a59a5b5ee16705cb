import { asDate, asNumber } from '#kit/db/columns.js';
import type { Customer } from '../../domain/customer.js';

export interface CustomerRow {
  id: number;
  name: string;
  email: string | null;
  created_at: unknown;
  updated_at: unknown;
}

export const toCustomer = (row: CustomerRow): Customer => ({
  id: asNumber(row.id),
  name: row.name,
  email: row.email ?? undefined,
  createdAt: asDate(row.created_at),
  updatedAt: asDate(row.updated_at),
});
