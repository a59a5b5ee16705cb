import { NotYet } from '#kit/events/event.js';
import { cancelDelivery, startDelivery, type Delivery, type DeliveryChange, type NewDelivery } from '../domain/delivery.js';
import type { Clock, DeliveryTransaction } from './ports.js';

/**
 * Delivery's policies (DOMAIN.md, Delivery): a placed order gets a READY delivery, a prepared book
 * starts it, a cancelled order cancels (recalls) it.
 */
export class DeliveryPolicies {
  constructor(private readonly clock: Clock) {}

  async whenOrderPlaced(tx: DeliveryTransaction, order: NewDelivery): Promise<void> {
    if ((await tx.deliveryOfOrderForUpdate(order.orderId)) !== undefined) return;
    await tx.addDelivery(order, this.clock.now());
  }

  async whenBookPrepared(tx: DeliveryTransaction, orderId: number): Promise<void> {
    const delivery = await this.deliveryOf(tx, orderId);
    await this.apply(tx, startDelivery(delivery, this.clock.now()));
  }

  async whenOrderCancelled(tx: DeliveryTransaction, orderId: number): Promise<void> {
    const delivery = await this.deliveryOf(tx, orderId);
    await this.apply(tx, cancelDelivery(delivery, this.clock.now()));
  }

  /** BookPrepared and OrderCancelled can overtake OrderPlaced (other subjects, redeliveries): wait for it. */
  private async deliveryOf(tx: DeliveryTransaction, orderId: number): Promise<Delivery> {
    const delivery = await tx.deliveryOfOrderForUpdate(orderId);
    if (delivery === undefined) throw new NotYet(`no delivery for order ${orderId} yet (OrderPlaced has not arrived)`);
    return delivery;
  }

  private async apply(tx: DeliveryTransaction, change: DeliveryChange): Promise<void> {
    if (change.events.length === 0) return;
    await tx.saveDelivery(change.delivery);
    await tx.record(change.events);
  }
}
