import { requestKey } from '#kit/db/request-keys.js';
import { registerCustomer, type Customer, type NewCustomer } from '../domain/customer.js';
import type { Clock, CustomerStore } from './ports.js';

/** What a customer does here: register. */
export class CustomerCommands {
  constructor(
    private readonly store: CustomerStore,
    private readonly clock: Clock,
  ) {}

  /** With a requestId (`''` for none) a retry returns the customer registered first. */
  async registerCustomer(input: NewCustomer, requestId = ''): Promise<Customer> {
    const valid = registerCustomer(input);
    return this.store.createOnce(requestKey('customer', requestId, valid), async (tx) => {
      const customer = await tx.addCustomer(valid, this.clock.now());
      await tx.record([{ kind: 'CustomerRegistered', customerId: customer.id, name: customer.name }]);
      return customer;
    }, (id) => this.store.customer(id));
  }
}
