import { NotYet } from '#kit/events/event.js';
import { cancelDelivery, confirmStart, startDelivery, type Delivery, type DeliveryChange, type NewDelivery } from '../domain/delivery.js';
import type { Clock, DeliveryTransaction } from './ports.js';

/**
 * Delivery's policies (DOMAIN.md, Delivery): a placed order gets a READY delivery, a prepared book
 * starts it, the order's confirmation of the start lets the courier move it, a cancelled order
 * cancels (recalls) it.
 */
export class DeliveryPolicies {
  constructor(private readonly clock: Clock) {}

  async whenOrderPlaced(tx: DeliveryTransaction, order: NewDelivery): Promise<void> {
    if ((await tx.deliveryOfOrderForUpdate(order.orderId)) !== undefined) return;
    await tx.addDelivery(order, this.clock.now());
  }

  whenBookPrepared(tx: DeliveryTransaction, orderId: number): Promise<void> {
    return this.decide(tx, orderId, startDelivery);
  }

  whenOrderConfirmedStart(tx: DeliveryTransaction, orderId: number): Promise<void> {
    return this.decide(tx, orderId, confirmStart);
  }

  whenOrderCancelled(tx: DeliveryTransaction, orderId: number): Promise<void> {
    return this.decide(tx, orderId, cancelDelivery);
  }

  /**
   * BookPrepared, the confirmation and OrderCancelled can overtake OrderPlaced (other subjects,
   * redeliveries): they wait for it. A rule that leaves the delivery as it was writes nothing.
   */
  private async decide(tx: DeliveryTransaction, orderId: number, rule: (delivery: Delivery, now: Date) => DeliveryChange): Promise<void> {
    const delivery = await tx.deliveryOfOrderForUpdate(orderId);
    if (delivery === undefined) throw new NotYet(`no delivery for order ${orderId} yet (OrderPlaced has not arrived)`);
    const change = rule(delivery, this.clock.now());
    if (change.delivery === delivery) return;
    await tx.saveDelivery(change.delivery);
    await tx.record(change.events);
  }
}
