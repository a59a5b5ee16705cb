import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { createFileRegistry, fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import * as registry from '#contracts/events.js';
import { meshServices } from '#mesh/policy/services.js';
import { declaredEvents, publisherOption, renderEventRegistry } from '../../../../proto/tools/event-registry.js';

const genDir = fileURLToPath(new URL('../../../../proto/gen/', import.meta.url));
const descriptors = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(`${genDir}bookstore.binpb`)));

describe('events declared next to their protos', () => {
  it('every message of bookstore.events.v1 is an event of the context its file is named after', () => {
    const messages = [...descriptors].filter((type) => type.kind === 'message' && type.typeName.startsWith('bookstore.events.v1.'));
    const declared = new Map(declaredEvents(descriptors).map((event) => [event.name, event]));
    expect(messages).to.not.be.empty;
    for (const message of messages) {
      const context = /^bookstore\/events\/v1\/(\w+)$/.exec(message.file.name)?.[1];
      expect(declared.get(message.name), `${message.typeName} needs option (${publisherOption}) = "${String(context)}"`).to.include({ publisher: context });
    }
  });

  it('are published only by services of the mesh', () => {
    const services = new Set(meshServices.map((service) => service.name));
    for (const event of declaredEvents(descriptors)) expect(services, `${event.publisher} publishes ${event.name}`).to.include(event.publisher);
  });

  it('reach the code as the registry make proto generates, subject and codec per event', () => {
    expect(readFileSync(`${genDir}ts/bookstore/events.ts`, 'utf8')).to.equal(renderEventRegistry(declaredEvents(descriptors), 'bookstore'));
    expect(registry.orderEvents.OrderPlaced.subject).to.equal('bookstore.order.OrderPlaced');
    const placed = { orderId: 1, customerId: 7, bookId: 3, quantity: 2, deliveryAddress: '1 Baker Street', couponId: 0, amount: 3000, currency: 'KRW' };
    const codec = registry.orderEvents.OrderPlaced.codec;
    expect(codec.decode(codec.encode(placed).finish())).to.deep.equal(placed);
  });
});
