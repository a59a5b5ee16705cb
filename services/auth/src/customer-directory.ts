import { status } from '@grpc/grpc-js';
import { CustomerServiceClient } from '#contracts/customer/v1/customer.js';
import { createGrpcClient } from '#kit/grpc/client.js';
import { hasGrpcCode } from '#kit/grpc/grpc-error.js';
import type { Logger } from '#kit/log/log.js';

/** Whether a customer number and an email name one registered customer: the customer sign-in's check. */
export interface CustomerDirectory {
  /** The customer's id as the token's subject, or undefined when they do not match. */
  signIn(customerNumber: string, email: string): Promise<string | undefined>;
  close(): void;
}

/** Asks the customer service (the auth -> customer call edge of mesh/policy). */
export function customerDirectory(address: string, inProcessResilience: boolean, log: Logger): CustomerDirectory {
  const client = createGrpcClient(CustomerServiceClient, { caller: 'auth', callee: 'customer', address, inProcessResilience, log });
  return {
    async signIn(customerNumber, email) {
      if (!/^[1-9]\d{0,15}$/.test(customerNumber) || email.trim() === '') return undefined;
      try {
        const customer = await client.call('getCustomer', { id: Number(customerNumber) });
        return customer.email !== '' && customer.email.toLowerCase() === email.trim().toLowerCase() ? String(customer.id) : undefined;
      } catch (error) {
        if (hasGrpcCode(error) && error.code === status.NOT_FOUND) return undefined;
        throw error;
      }
    },
    close() {
      client.close();
    },
  };
}
