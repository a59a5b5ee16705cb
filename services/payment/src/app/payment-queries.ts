import { notFound } from '#kit/domain/errors.js';
import { checkId, optionalId } from '#kit/domain/ids.js';
import type { Page, PageRequest } from '#kit/db/pagination.js';
import type { Payment } from '../domain/payment.js';
import type { PaymentStore } from './ports.js';

/** What anyone may read: one payment, or payments a page at a time, optionally of one order. */
export class PaymentQueries {
  constructor(private readonly store: PaymentStore) {}

  async payment(id: number): Promise<Payment> {
    const payment = await this.store.payment(checkId('id', id));
    if (payment === undefined) throw notFound('payment', id);
    return payment;
  }

  /** orderId 0 means every order. */
  payments(orderId: number, page: PageRequest): Promise<Page<Payment>> {
    return this.store.payments(optionalId('orderId', orderId), page);
  }
}
