import { setTimeout as sleep } from 'node:timers/promises';
import { status } from '@grpc/grpc-js';
import { DeliveryServiceClient, DeliveryState, type Delivery, type DeliveryServiceService } from '#contracts/delivery/v1/delivery.js';
import type { BookPrepared } from '#contracts/events/v1/catalog.js';
import { CancelReason, type OrderCancelled, type OrderPlaced, type OrderStateChanged } from '#contracts/events/v1/order.js';
import { OrderState } from '#contracts/order/v1/order.js';
import type { ServiceConfig } from '#kit/config/service-config.js';
import { catalogEvents, orderEvents } from '#contracts/events.js';
import type { EventType, NewEvent } from '#kit/events/event.js';
import { hasGrpcCode } from '#kit/grpc/grpc-error.js';
import { startServiceUnderTest, type ServiceUnderTest } from '#kit-testing/service-under-test.js';
import { delivery } from '../src/main.js';

/** A real delivery process in-process on the given store (replicas may share it; stop() keeps it), the test's nats-server and free ports. */
export interface DeliveryUnderTest extends ServiceUnderTest<ServiceConfig, typeof DeliveryServiceService> {
  /** The delivery of `orderId`, or undefined while there is none. */
  deliveryOf(orderId: number): Promise<Delivery | undefined>;
}

export async function startDeliveryUnderTest(natsUrl: string, databaseUrl: string): Promise<DeliveryUnderTest> {
  const under = await startServiceUnderTest(delivery, DeliveryServiceClient, { natsUrl, store: { url: databaseUrl } });
  return Object.assign(under, {
    async deliveryOf(orderId: number): Promise<Delivery | undefined> {
      const { deliveries } = await under.client.call('listDeliveries', { orderId, customerId: 0, states: [], pageSize: 1, pageToken: '' });
      return deliveries[0];
    },
  });
}

/** An event as another service publishes it: its payload checked against the contract, the order as correlation id. */
const shopEvent = <T>(type: EventType<T>, payload: T, orderId: number): NewEvent<T> => ({ type, payload, correlationId: String(orderId) });

export const orderPlaced = (orderId: number, customerId = 7): NewEvent<OrderPlaced> =>
  shopEvent(orderEvents.OrderPlaced, { orderId, customerId, bookId: 3, quantity: 2, deliveryAddress: '1 Tower Hill, London', amount: 3000, currency: 'KRW' }, orderId);

export const bookPrepared = (orderId: number): NewEvent<BookPrepared> =>
  shopEvent(catalogEvents.BookPrepared, { orderId, bookId: 3, quantity: 2, deliverableId: orderId + 10_000 }, orderId);

/** The order moved to `state`; DELIVERY_STARTED confirms the delivery start. */
export const orderStateChanged = (orderId: number, state = OrderState.DELIVERY_STARTED): NewEvent<OrderStateChanged> =>
  shopEvent(orderEvents.OrderStateChanged, { orderId, state }, orderId);

export const orderCancelled = (orderId: number): NewEvent<OrderCancelled> =>
  shopEvent(orderEvents.OrderCancelled, { orderId, reason: CancelReason.CUSTOMER_REQUEST }, orderId);

export const stateOf = (delivery: Delivery | undefined): string => (delivery === undefined ? 'none' : DeliveryState[delivery.state]);

const awaitsConfirmation = (error: unknown): boolean =>
  hasGrpcCode(error) && error.code === status.FAILED_PRECONDITION && error.message.includes('has not confirmed the delivery start yet');

/**
 * A courier's update as a courier makes it: asked again while delivery answers that the order has
 * not confirmed the start yet (the confirmation is an event on its way). Any other answer stands.
 */
export async function courierMoves(under: DeliveryUnderTest, id: number, state: DeliveryState): Promise<Delivery> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await under.client.call('updateDeliveryStatus', { id, state });
    } catch (error) {
      if (!awaitsConfirmation(error) || Date.now() > deadline) throw error;
    }
    await sleep(50);
  }
}
