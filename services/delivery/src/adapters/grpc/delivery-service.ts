import type { DeliveryServiceServer } from '#contracts/delivery/v1/delivery.js';
import { unary } from '#kit/grpc/unary.js';
import { correlate } from '#kit/context/call-context.js';
import type { CourierCommands } from '../../app/courier-commands.js';
import type { DeliveryQueries } from '../../app/delivery-queries.js';
import { courierStateRule } from '../../domain/delivery.js';
import { deliveryMessage, deliveryState, deliveryStates } from './messages.js';

/** bookstore.delivery.v1.DeliveryService: decode, call the use case, encode. */
export function deliveryService(commands: CourierCommands, queries: DeliveryQueries): DeliveryServiceServer {
  return {
    getDelivery: unary(async (request) => deliveryMessage(await queries.delivery(request.id))),

    listDeliveries: unary(async (request) => {
      const page = await queries.deliveries(
        { orderId: request.orderId, customerId: request.customerId, states: deliveryStates(request.states) },
        request,
      );
      return { deliveries: page.items.map(deliveryMessage), nextPageToken: page.nextPageToken };
    }),

    updateDeliveryStatus: unary(async (request) => {
      const delivery = await commands.updateDeliveryStatus(request.id, deliveryState('state', request.state, courierStateRule));
      correlate(String(delivery.orderId));
      return deliveryMessage(delivery);
    }),
  };
}
