import { expect } from 'chai';
import { DomainError } from '#kit/domain/errors.js';
import { cancelDelivery, checkCourierState, confirmStart, moveDelivery, startDelivery, type Delivery, type DeliveryState } from '../src/domain/delivery.js';

const created = new Date('2026-11-21T10:00:00Z');
const now = new Date('2026-11-21T11:00:00Z');
const delivery = (state: DeliveryState): Delivery => ({
  id: 5,
  orderId: 42,
  customerId: 7,
  bookId: 3,
  quantity: 2,
  deliveryAddress: '1 Tower Hill, London',
  state,
  startConfirmedAt: undefined,
  createdAt: created,
  updatedAt: created,
});
/** A delivery whose order confirmed the start. */
const confirmed = (state: DeliveryState): Delivery => ({ ...delivery(state), startConfirmedAt: created });

function refusal(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('delivery domain', () => {
  describe('starting (the book was prepared)', () => {
    it('moves a READY delivery to STARTED and tells the shop', () => {
      const change = startDelivery(delivery('READY'), now);
      expect(change.delivery).to.include({ state: 'STARTED', updatedAt: now });
      expect(change.events).to.deep.equal([{ kind: 'DeliveryStarted', deliveryId: 5, orderId: 42, state: 'STARTED' }]);
    });

    it('leaves a cancelled or already started delivery alone', () => {
      for (const state of ['CANCELLED', 'STARTED', 'IN_TRANSIT', 'DELIVERED'] as const) {
        const change = startDelivery(delivery(state), now);
        expect(change.events, state).to.deep.equal([]);
        expect(change.delivery, state).to.deep.equal(delivery(state));
      }
    });
  });

  describe("the order's confirmation of the start", () => {
    it('is remembered once, and tells the shop nothing', () => {
      const change = confirmStart(delivery('STARTED'), now);
      expect(change.delivery).to.include({ state: 'STARTED', startConfirmedAt: now, updatedAt: created });
      expect(change.events).to.deep.equal([]);
      expect(confirmStart(change.delivery, new Date('2026-11-21T12:00:00Z')).delivery).to.equal(change.delivery);
    });
  });

  describe("a courier's update", () => {
    it('moves forward one step at a time: STARTED -> IN_TRANSIT -> DELIVERED', () => {
      const inTransit = moveDelivery(confirmed('STARTED'), 'IN_TRANSIT', now);
      expect(inTransit.delivery.state).to.equal('IN_TRANSIT');
      expect(inTransit.events).to.deep.equal([{ kind: 'DeliveryStatusChanged', deliveryId: 5, orderId: 42, state: 'IN_TRANSIT' }]);
      const delivered = moveDelivery(inTransit.delivery, 'DELIVERED', now);
      expect(delivered.delivery.state).to.equal('DELIVERED');
      expect(delivered.events).to.deep.equal([{ kind: 'DeliveryStatusChanged', deliveryId: 5, orderId: 42, state: 'DELIVERED' }]);
    });

    it('keeps a STARTED parcel where it is until the order confirmed the start, telling the courier to try again', () => {
      const error = refusal(() => moveDelivery(delivery('STARTED'), 'IN_TRANSIT', now));
      expect(error.kind).to.equal('precondition');
      expect(error.message).to.equal('delivery 5 is STARTED, but order 42 has not confirmed the delivery start yet; try again shortly');
      expect(moveDelivery(confirmStart(delivery('STARTED'), now).delivery, 'IN_TRANSIT', now).delivery.state).to.equal('IN_TRANSIT');
    });

    it('refuses any other move as a precondition, saying why', () => {
      const cases: [DeliveryState, 'IN_TRANSIT' | 'DELIVERED', string][] = [
        ['READY', 'IN_TRANSIT', 'not prepared yet'],
        ['STARTED', 'DELIVERED', 'next state is IN_TRANSIT'],
        ['IN_TRANSIT', 'IN_TRANSIT', 'next state is DELIVERED'],
        ['DELIVERED', 'IN_TRANSIT', 'cannot move any more'],
        ['DELIVERED', 'DELIVERED', 'cannot move any more'],
        ['CANCELLED', 'IN_TRANSIT', 'order was cancelled'],
        ['CANCELLED', 'DELIVERED', 'order was cancelled'],
      ];
      for (const [from, to, why] of cases) {
        const error = refusal(() => moveDelivery(confirmed(from), to, now));
        expect(error.kind, `${from} -> ${to}`).to.equal('precondition');
        expect(error.message, `${from} -> ${to}`).to.contain(`delivery 5 is ${from}`).and.to.contain(why);
      }
    });

    it('takes only IN_TRANSIT or DELIVERED as the state to set, naming the field', () => {
      for (const state of ['READY', 'STARTED', 'CANCELLED'] as const) {
        const error = refusal(() => checkCourierState(state));
        expect(error.kind).to.equal('invalid');
        expect(error.field).to.equal('state');
      }
      expect(checkCourierState('DELIVERED')).to.equal('DELIVERED');
    });
  });

  describe('cancellation (the order was cancelled)', () => {
    it('cancels anything not delivered, a STARTED parcel the order has not confirmed too, and says what it was cancelled from', () => {
      for (const state of ['READY', 'STARTED', 'IN_TRANSIT'] as const) {
        const change = cancelDelivery(delivery(state), now);
        expect(change.delivery.state).to.equal('CANCELLED');
        expect(change.events).to.deep.equal([
          { kind: 'DeliveryCancelled', deliveryId: 5, orderId: 42, state: 'CANCELLED', previousState: state },
        ]);
      }
    });

    it('leaves a delivered or already cancelled delivery alone', () => {
      for (const state of ['DELIVERED', 'CANCELLED'] as const) {
        expect(cancelDelivery(delivery(state), now)).to.deep.equal({ delivery: delivery(state), events: [] });
      }
    });
  });
});
