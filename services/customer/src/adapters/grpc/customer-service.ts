import type { CustomerServiceServer } from '#contracts/customer/v1/customer.js';
import { unary } from '#kit/grpc/unary.js';
import type { CustomerCommands } from '../../app/customer-commands.js';
import type { CustomerQueries } from '../../app/customer-queries.js';
import { customerMessage } from './messages.js';

/** bookstore.customer.v1.CustomerService: decode, call the use case, encode. */
export function customerService(commands: CustomerCommands, queries: CustomerQueries): CustomerServiceServer {
  return {
    registerCustomer: unary(async (request) => customerMessage(await commands.registerCustomer({ name: request.name, email: request.email }, request.requestId))),

    getCustomer: unary(async (request) => customerMessage(await queries.customer(request.id))),

    listCustomers: unary(async (request) => {
      const page = await queries.customers(request);
      return { customers: page.items.map(customerMessage), nextPageToken: page.nextPageToken };
    }),
  };
}
