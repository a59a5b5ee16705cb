import { randomUUID } from 'node:crypto';
import { Server, type handleUnaryCall } from '@grpc/grpc-js';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { OrderServiceService, OrderState, PaymentState, type Order, type PlaceOrderRequest } from '#contracts/order/v1/order.js';
import { serverCredentials } from '#kit/grpc/mutual-tls.js';
import { pgTransaction } from '../support/pg-transaction.js';

/**
 * The minimal pipeline `make bench` puts the shop's PlaceOrder against, as a process of its own
 * like a service: one grpc-js server (mutual TLS from the MTLS_* files, as the shop's services)
 * whose PlaceOrder is one PostgreSQL transaction inserting the order and an outbox row, then a
 * JetStream publish awaiting its ack. Environment: PIPELINE_DATABASE_URL (an empty database),
 * NATS_URL. Prints `listening <port>` once it serves.
 */
const subject = 'pipeline.order.OrderPlaced';

const pool = new pg.Pool({ connectionString: process.env.PIPELINE_DATABASE_URL, max: 10 });
await pool.query(`
  create table if not exists orders (id bigserial primary key, customer_id bigint not null, book_id bigint not null, quantity bigint not null,
    delivery_address text not null, created_at timestamptz not null);
  create table if not exists outbox (id bigserial primary key, event_id uuid not null unique, subject text not null, payload bytea not null)`);
const nats = await connect({ servers: process.env.NATS_URL, name: 'minimal-pipeline' });
await (await jetstreamManager(nats)).streams.add({ name: 'PIPELINE', subjects: ['pipeline.>'] });
const js = jetstream(nats);

const placeOrder: handleUnaryCall<PlaceOrderRequest, Order> = (call, callback) => {
  place(call.request).then(
    (order) => { callback(null, order); },
    (error: unknown) => { callback(error as Error); },
  );
};

async function place(request: PlaceOrderRequest): Promise<Order> {
  const now = new Date();
  const eventId = randomUUID();
  const payload = Buffer.from(JSON.stringify({ ...request, createdAt: now }));
  const id = await pgTransaction(pool, async (client) => {
    const { rows } = await client.query<{ id: string }>(
      'insert into orders (customer_id, book_id, quantity, delivery_address, created_at) values ($1, $2, $3, $4, $5) returning id',
      [request.customerId, request.bookId, request.quantity, request.deliveryAddress, now],
    );
    await client.query('insert into outbox (event_id, subject, payload) values ($1, $2, $3)', [eventId, subject, payload]);
    return Number(rows[0]?.id);
  });
  await js.publish(subject, payload, { msgID: eventId });
  return {
    id,
    customerId: request.customerId,
    bookId: request.bookId,
    quantity: request.quantity,
    deliveryAddress: request.deliveryAddress,
    state: OrderState.ORDERED,
    createTime: now,
    updateTime: now,
    unitPrice: 1_000,
    discount: 0,
    amount: 1_000 * request.quantity,
    currency: 'KRW',
    paymentState: PaymentState.PENDING,
  };
}

const server = new Server();
server.addService(OrderServiceService, { placeOrder });
const port = await new Promise<number>((resolve, reject) => {
  server.bindAsync('127.0.0.1:0', serverCredentials(), (error, bound) => {
    if (error === null) resolve(bound);
    else reject(error);
  });
});
console.log(`listening ${port}`);

process.once('SIGTERM', () => {
  server.forceShutdown();
  void Promise.all([nats.drain(), pool.end()]).finally(() => process.exit(0));
});
