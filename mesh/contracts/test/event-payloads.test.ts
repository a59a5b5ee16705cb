import { readFileSync } from 'node:fs';
import { fromBinary, toJson, type DescMessage } from '@bufbuild/protobuf';
import { expect } from 'chai';
import { OrderCancelled, OrderPlaced } from '#contracts/events/v1/order.js';
import { catalogEvents, couponEvents, customerEvents, deliveryEvents, orderEvents } from '#contracts/events.js';
import type { EventType } from '#kit/events/event.js';
import { readDescriptorSet } from '../../envoy/descriptor-services.js';
import { eventSubjects, imageRegistry, readRecordedPayloads, releasedImagePath } from '../event-payloads.js';

/**
 * Events outlive the code that wrote them: the stream keeps them, consumers replay them. Payloads
 * recorded from each release's contracts (proto/released/event-payloads.json, written by
 * `make release-contracts`) must stay readable by today's codecs, meaning the same thing.
 */
describe('event payloads of released contracts, read by today\'s consumers', () => {
  const todaysTypes = new Map<string, EventType<unknown>>(
    [catalogEvents, orderEvents, deliveryEvents, couponEvents, customerEvents].flatMap((events) => (Object.values(events) as EventType<unknown>[]).map((type) => [type.subject, type])),
  );
  const todaysSchemas = eventSubjects(imageRegistry(readDescriptorSet()));
  const recorded = readRecordedPayloads();

  it('has payloads of every event of the last released contracts (make release-contracts records them)', () => {
    const releasedSubjects = [...eventSubjects(imageRegistry(readFileSync(releasedImagePath))).keys()];
    expect(releasedSubjects).to.not.be.empty;
    expect(new Set(recorded.map((payload) => payload.subject))).to.include.all.keys(releasedSubjects);
  });

  for (const { release, subject, sample, payload } of recorded) {
    it(`${subject}, ${sample} (release ${release})`, () => {
      const type = todaysTypes.get(subject);
      const schema = todaysSchemas.get(subject);
      expect(type, `a consumer codec for ${subject} today`).to.not.equal(undefined);
      expect(schema, `${subject} in today's protos`).to.not.equal(undefined);
      if (type === undefined || schema === undefined) return;
      const bytes = Buffer.from(payload, 'base64');

      // Today's protos know every field that release wrote: nothing is left over as unknown.
      expect(fromBinary(schema, bytes).$unknown ?? [], 'fields today\'s protos no longer know').to.deep.equal([]);
      // The codec consumers use reads the same values, and invents none (no 0 for an absent id).
      const read = type.codec.decode(bytes);
      expect(jsonOf(schema, type.codec.encode(read).finish())).to.deep.equal(jsonOf(schema, bytes));
    });
  }

  it('reads an old OrderPlaced and OrderCancelled without a coupon as having none, as the coupon context expects', () => {
    const withoutCoupon = (name: string): Buffer =>
      Buffer.from(recorded.find((payload) => payload.subject === `bookstore.order.${name}` && payload.sample === 'every field at its default')?.payload ?? 'missing', 'base64');
    expect(OrderPlaced.decode(withoutCoupon('OrderPlaced')).couponId).to.equal(undefined);
    expect(OrderCancelled.decode(withoutCoupon('OrderCancelled')).couponId).to.equal(undefined);
    const full = recorded.find((payload) => payload.subject === 'bookstore.order.OrderPlaced' && payload.sample === 'every field set');
    expect(OrderPlaced.decode(Buffer.from(full?.payload ?? '', 'base64'))).to.deep.include({ orderId: 7, couponId: 7, deliveryAddress: 'sample' });
  });
});

function jsonOf(schema: DescMessage, bytes: Uint8Array): unknown {
  return toJson(schema, fromBinary(schema, bytes));
}
