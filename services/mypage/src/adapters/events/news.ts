import { DeliveryState } from '#contracts/delivery/v1/delivery.js';
import { CancelReason } from '#contracts/events/v1/order.js';
import { OrderState } from '#contracts/order/v1/order.js';
import { deliveryStates, orderStates, type CancelReason as DomainCancelReason, type DeliveryState as DomainDeliveryState, type OrderState as DomainOrderState } from '../../domain/states.js';

/** The wire's enums in the read side's terms; undefined for a value it does not know (UNSPECIFIED, newer). */
export function orderStateOf(state: OrderState): DomainOrderState | undefined {
  return orderStates.find((candidate) => candidate === OrderState[state]);
}

export function deliveryStateOf(state: DeliveryState): DomainDeliveryState | undefined {
  return deliveryStates.find((candidate) => candidate === DeliveryState[state]);
}

export function cancelReasonOf(reason: CancelReason): DomainCancelReason | undefined {
  if (reason === CancelReason.CUSTOMER_REQUEST) return 'CUSTOMER_REQUEST';
  if (reason === CancelReason.COUPON_ALREADY_USED) return 'COUPON_ALREADY_USED';
  if (reason === CancelReason.PAYMENT_DECLINED) return 'PAYMENT_DECLINED';
  return undefined;
}
