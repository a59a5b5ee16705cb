import { Delivery as DeliveryMessage, DeliveryState } from '#contracts/delivery/v1/delivery.js';
import { invalid } from '#kit/domain/errors.js';
import type { Delivery, DeliveryState as State } from '../../domain/delivery.js';

/** Domain deliveries to and from delivery's protobuf messages. */
export const deliveryMessage = (delivery: Delivery): DeliveryMessage => ({
  id: delivery.id,
  orderId: delivery.orderId,
  customerId: delivery.customerId,
  bookId: delivery.bookId,
  quantity: delivery.quantity,
  deliveryAddress: delivery.deliveryAddress,
  state: DeliveryState[delivery.state],
  createTime: delivery.createdAt,
  updateTime: delivery.updatedAt,
});

const domainStates: Record<number, State | undefined> = {
  [DeliveryState.READY]: 'READY',
  [DeliveryState.STARTED]: 'STARTED',
  [DeliveryState.IN_TRANSIT]: 'IN_TRANSIT',
  [DeliveryState.DELIVERED]: 'DELIVERED',
  [DeliveryState.CANCELLED]: 'CANCELLED',
};

/** A state named in a request; `field` is where the client put it, `rule` what it must be. */
export function deliveryState(field: string, state: DeliveryState, rule = 'must be READY, STARTED, IN_TRANSIT, DELIVERED or CANCELLED'): State {
  const domainState = domainStates[state];
  if (domainState === undefined) throw invalid(field, rule);
  return domainState;
}

export function deliveryStates(states: readonly DeliveryState[]): State[] {
  return states.map((state) => deliveryState('states', state));
}
