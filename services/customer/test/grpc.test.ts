import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { CustomerServiceClient, type CustomerServiceService } from '#contracts/customer/v1/customer.js';
import type { ServiceConfig } from '#kit/config/service-config.js';
import { customerEvents } from '#contracts/events.js';
import type { ReceivedEvent } from '#kit/events/event.js';
import type { GrpcClient } from '#kit/grpc/client.js';
import { EventTraffic } from '#kit-testing/event-traffic.js';
import { callError, reflect } from '#kit-testing/grpc-probes.js';
import { NatsServer } from '#kit/process/nats-server.js';
import { startServiceUnderTest, type ServiceUnderTest } from '#kit-testing/service-under-test.js';
import { customer } from '../src/main.js';

describe('customer over gRPC', function () {
  this.timeout(30_000);
  let nats: NatsServer;
  let service: ServiceUnderTest<ServiceConfig, typeof CustomerServiceService>;
  let address: string;
  let client: GrpcClient<typeof CustomerServiceService>;
  let traffic: EventTraffic;
  let registered: ReceivedEvent[];

  before(async () => {
    nats = await NatsServer.start();
    service = await startServiceUnderTest(customer, CustomerServiceClient, { natsUrl: nats.url, store: 'postgres' });
    ({ address, client } = service);
    traffic = await EventTraffic.open(nats.url);
    registered = await traffic.watch([customerEvents.CustomerRegistered]);
  });

  after(async () => {
    await traffic.close();
    await service.stop();
    await nats.stop();
  });

  it('lists bookstore.customer.v1.CustomerService through server reflection', async () => {
    const { services } = await reflect(address, 'bookstore.customer.v1.CustomerService');
    expect(services).to.include('bookstore.customer.v1.CustomerService');
  });

  it('registers a customer, reads it back and publishes CustomerRegistered', async () => {
    const customer = await client.call('registerCustomer', { name: ' Kim Minji ', email: 'minji@example.com' });
    expect(customer).to.include({ name: 'Kim Minji', email: 'minji@example.com' });
    const { id } = customer;
    expect(id).to.be.greaterThan(0);
    expect(await client.call('getCustomer', { id })).to.deep.equal(customer);

    const event = await EventTraffic.next(registered, customerEvents.CustomerRegistered, (payload) => payload.customerId === id);
    expect(event.payload).to.deep.equal({ customerId: id, name: 'Kim Minji' });
    expect(event.correlationId).to.equal(`customer-${id}`);
  });

  it('registers a customer without an email', async () => {
    const customer = await client.call('registerCustomer', { name: 'Lee', email: '' });
    expect(customer.email).to.equal('');
  });

  it('lists customers oldest first, a page at a time', async () => {
    for (const name of ['Park', 'Choi', 'Jung']) await client.call('registerCustomer', { name, email: '' });
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await client.call('listCustomers', { pageSize: 2, pageToken });
      expect(page.customers.length).to.be.at.most(2);
      seen.push(...page.customers.map((customer) => customer.name));
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    expect(seen.slice(-3)).to.deep.equal(['Park', 'Choi', 'Jung']);
  });

  const invalidCases: [string, () => Promise<unknown>, string][] = [
    ['an empty name', () => client.call('registerCustomer', { name: '  ', email: '' }), 'name'],
    ['a name over 100 characters', () => client.call('registerCustomer', { name: 'x'.repeat(101), email: '' }), 'name'],
    ['an email that is not an address', () => client.call('registerCustomer', { name: 'Kim', email: 'minji-at-example.com' }), 'email'],
    ['a read without an id', () => client.call('getCustomer', { id: 0 }), 'id'],
    ['a page size over 100', () => client.call('listCustomers', { pageSize: 101, pageToken: '' }), 'pageSize'],
    ['a page token it did not issue', () => client.call('listCustomers', { pageSize: 0, pageToken: 'bogus' }), 'pageToken'],
  ];
  for (const [what, call, field] of invalidCases) {
    it(`answers ${what} with INVALID_ARGUMENT naming ${field}`, async () => {
      const error = await callError(call());
      expect(error.code).to.equal(status.INVALID_ARGUMENT);
      expect(error.details).to.match(new RegExp(`^${field}: `));
    });
  }

  it('answers a missing customer with NOT_FOUND', async () => {
    const error = await callError(client.call('getCustomer', { id: 424242 }));
    expect(error.code).to.equal(status.NOT_FOUND);
    expect(error.details).to.equal('customer 424242 not found');
  });
});
