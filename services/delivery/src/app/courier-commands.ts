import { notFound } from '#kit/domain/errors.js';
import { checkCourierState, moveDelivery, type Delivery, type DeliveryState } from '../domain/delivery.js';
import { checkId } from '#kit/domain/ids.js';
import type { Clock, DeliveryStore } from './ports.js';

/** What a courier (or the logistics partner's system) does: move a parcel forward. */
export class CourierCommands {
  constructor(
    private readonly store: DeliveryStore,
    private readonly clock: Clock,
  ) {}

  async updateDeliveryStatus(id: number, state: DeliveryState): Promise<Delivery> {
    const deliveryId = checkId('id', id);
    const target = checkCourierState(state);
    return this.store.transaction(async (tx) => {
      const delivery = await tx.deliveryForUpdate(deliveryId);
      if (delivery === undefined) throw notFound('delivery', deliveryId);
      const change = moveDelivery(delivery, target, this.clock.now());
      await tx.saveDelivery(change.delivery);
      await tx.record(change.events);
      return change.delivery;
    });
  }
}
