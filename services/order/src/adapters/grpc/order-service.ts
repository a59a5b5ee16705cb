import type { OrderServiceServer } from '#contracts/order/v1/order.js';
import { unary } from '#kit/grpc/unary.js';
import type { OrderCommands } from '../../app/order-commands.js';
import type { OrderQueries } from '../../app/order-queries.js';
import { newOrder, orderMessage } from './messages.js';

/** bookstore.order.v1.OrderService: decode, call the use case, encode. */
export function orderService(commands: OrderCommands, queries: OrderQueries): OrderServiceServer {
  return {
    placeOrder: unary(async (request) => orderMessage(await commands.placeOrder(newOrder(request)))),

    getOrder: unary(async (request) => orderMessage(await queries.order(request.id))),

    listOrders: unary(async (request) => {
      const page = await queries.orders(request.customerId, request);
      return { orders: page.items.map(orderMessage), nextPageToken: page.nextPageToken };
    }),

    cancelOrder: unary(async (request) => orderMessage(await commands.cancelOrder(request.id))),
  };
}
