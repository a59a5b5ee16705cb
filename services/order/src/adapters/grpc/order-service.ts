import type { OrderServiceServer } from '#contracts/order/v1/order.js';
import { unary } from '#kit/grpc/unary.js';
import { correlate } from '#kit/context/call-context.js';
import type { OrderCommands } from '../../app/order-commands.js';
import type { OrderQueries } from '../../app/order-queries.js';
import { newOrder, orderMessage } from './messages.js';

/** bookstore.order.v1.OrderService: decode, call the use case, encode; each call joins its order's story in the logs. */
export function orderService(commands: OrderCommands, queries: OrderQueries): OrderServiceServer {
  return {
    placeOrder: unary(async (request) => {
      const order = await commands.placeOrder(newOrder(request));
      correlate(String(order.id));
      return orderMessage(order);
    }),

    getOrder: unary(async (request) => {
      correlate(String(request.id));
      return orderMessage(await queries.order(request.id));
    }),

    listOrders: unary(async (request) => {
      const page = await queries.orders(request.customerId, request);
      return { orders: page.items.map(orderMessage), nextPageToken: page.nextPageToken };
    }),

    cancelOrder: unary(async (request) => {
      correlate(String(request.id));
      return orderMessage(await commands.cancelOrder(request.id));
    }),
  };
}
