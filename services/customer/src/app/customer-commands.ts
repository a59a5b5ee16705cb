import { registerCustomer, type Customer, type NewCustomer } from '../domain/customer.js';
import type { Clock, CustomerStore } from './ports.js';

/** What a customer does here: register. */
export class CustomerCommands {
  constructor(
    private readonly store: CustomerStore,
    private readonly clock: Clock,
  ) {}

  async registerCustomer(input: NewCustomer): Promise<Customer> {
    const valid = registerCustomer(input);
    return this.store.transaction(async (tx) => {
      const customer = await tx.addCustomer(valid, this.clock.now());
      await tx.record([{ kind: 'CustomerRegistered', customerId: customer.id, name: customer.name }]);
      return customer;
    });
  }
}
