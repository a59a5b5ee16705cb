import type { Customer as CustomerMessage } from '#contracts/customer/v1/customer.js';
import type { Customer } from '../../domain/customer.js';

/** A domain customer as the protobuf message; no email is the empty string. */
export const customerMessage = (customer: Customer): CustomerMessage => ({
  id: customer.id,
  name: customer.name,
  email: customer.email ?? '',
  createTime: customer.createdAt,
  updateTime: customer.updatedAt,
});
