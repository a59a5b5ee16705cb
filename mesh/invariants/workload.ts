import { randomUUID } from 'node:crypto';
import type { CardProcessorClient, ProcessorFaults } from './card-processor-client.js';
import { SeededRandom } from './random.js';
import { RestError, type RestClient } from './rest-client.js';

export interface WorkloadOptions {
  seed: number;
  operations: number;
  /** Operations in flight at once (concurrent orders race for coupons and stock). */
  concurrency: number;
  /** When given, the card processor's faults change during the run (outage, latency, failures, declines). */
  processor?: CardProcessorClient | undefined;
  /** Awaited before operation `index` (0-based) starts: chaos strikes at chosen operations. */
  beforeOperation?: ((index: number) => Promise<void>) | undefined;
}

export interface WorkloadResult {
  acceptedOrderIds: number[];
  /** The customers the workload registered (its orders are theirs). */
  customerIds: number[];
  /** Operation kind -> HTTP status -> count. */
  outcomes: Record<string, Record<string, number>>;
  /** Answers no correct shop gives (5xx, timeouts): each one a finding. */
  unexpected: string[];
}

type Operation = 'placeOrder' | 'placeOrderWithCoupon' | 'cancelOrder' | 'inputStock' | 'courierUpdate' | 'issueCoupon' | 'switchFaults';

const weights: readonly [Operation, number][] = [
  ['placeOrder', 25],
  ['placeOrderWithCoupon', 15],
  ['cancelOrder', 15],
  ['inputStock', 15],
  ['courierUpdate', 25],
  ['issueCoupon', 5],
  ['switchFaults', 4],
];

/** What the processor does next in a workload with faults: healthy three times in seven. */
const faultChoices: readonly ProcessorFaults[] = [{}, {}, {}, { outage: true }, { latencyMs: 1_500 }, { failureRate: 0.5 }, { declineAbove: 3_000 }];

/** Answers the shop gives to requests a user may well send: refused, not an error of the shop. */
const refusals = new Set([400, 404, 409]);

const idOf = (json: unknown): number => Number((json as { id?: unknown }).id);

/**
 * A randomized but seeded mix of what the shop's users do, through the REST edge: book managers
 * stock books, coupon managers issue coupons, customers order (with and without coupons, racing for
 * the same coupon) and cancel (paid and pending orders), couriers move deliveries forward, and,
 * with a processor given, the card processor goes out, slows, fails and declines now and then.
 */
export async function runWorkload(rest: RestClient, options: WorkloadOptions): Promise<WorkloadResult> {
  const random = new SeededRandom(options.seed);
  // Keys unique to this run: a second run with the same seed on the same shop places its own orders.
  const randomSuffix = randomUUID().slice(0, 8);
  const result: WorkloadResult = { acceptedOrderIds: [], customerIds: [], outcomes: {}, unexpected: [] };
  const count = (operation: string, status: string): void => {
    const byStatus = (result.outcomes[operation] ??= {});
    byStatus[status] = (byStatus[status] ?? 0) + 1;
  };

  // The shop the operations need; made under the same chaos, so each create is retried (once made, by its requestId).
  const setUp = (path: string, body: Record<string, unknown>, requestId: string): Promise<unknown> => createSurely(rest, path, { ...body, requestId });
  const bookIds: number[] = [];
  for (let index = 0; index < 5; index += 1) {
    bookIds.push(idOf(await setUp('/books', { bookName: `Workload book ${index}`, stock: random.int(0, 8), price: random.int(500, 3000) }, `workload-${randomSuffix}-book-${index}`)));
  }
  const customerIds: number[] = [];
  for (let index = 0; index < 6; index += 1) {
    customerIds.push(idOf(await setUp('/customers', { name: `Customer ${index}`, email: `customer${index}@example.com` }, `workload-${randomSuffix}-customer-${index}`)));
  }
  result.customerIds.push(...customerIds);
  const coupons: { id: number; customerId: number }[] = [];
  const issueCoupon = async (customerId: number, random: SeededRandom, post: (body: Record<string, unknown>) => Promise<unknown>): Promise<void> => {
    coupons.push({ id: idOf(await post({ customerId, discount: random.int(100, 500) })), customerId });
  };
  for (const [index, customerId] of customerIds.entries()) {
    await issueCoupon(customerId, random, (body) => setUp('/coupons', body, `workload-${randomSuffix}-coupon-${index}`));
  }

  const plan: Operation[] = [];
  const mix = weights.filter(([operation]) => operation !== 'switchFaults' || options.processor !== undefined);
  const total = mix.reduce((sum, [, weight]) => sum + weight, 0);
  for (let index = 0; index < options.operations; index += 1) {
    let roll = random.int(1, total);
    for (const [operation, weight] of mix) {
      roll -= weight;
      if (roll <= 0) {
        plan.push(operation);
        break;
      }
    }
  }

  // Each operation draws from its own generator, so its choices do not depend on how workers interleave.
  // Writes carry a requestId, so the edge's retry of a write whose answer was lost (a replica killed
  // mid-call) cannot make it twice.
  const perform = async (operation: Operation, random: SeededRandom, requestId: string): Promise<unknown> => {
    switch (operation) {
      case 'placeOrder':
      case 'placeOrderWithCoupon': {
        const coupon = operation === 'placeOrderWithCoupon' && coupons.length > 0 ? random.pick(coupons) : undefined;
        const body = {
          customerId: coupon?.customerId ?? random.pick(customerIds),
          bookId: random.pick(bookIds),
          quantity: random.int(1, 3),
          deliveryAddress: `${random.int(1, 99)} Workload Street`,
          ...(coupon === undefined ? {} : { couponId: coupon.id }),
          requestId,
        };
        try {
          const order = await rest.post('/orders', body);
          result.acceptedOrderIds.push(idOf(order));
          return order;
        } catch (error) {
          if (shopFailed(error)) await learnPlacement(body);
          throw error;
        }
      }
      case 'cancelOrder':
        if (result.acceptedOrderIds.length === 0) return undefined;
        return rest.delete(`/orders/${random.pick(result.acceptedOrderIds)}`);
      case 'inputStock':
        return rest.post('/stockInputs', { bookId: random.pick(bookIds), quantity: random.int(1, 5), inCharger: 'workload', requestId });
      case 'courierUpdate': {
        const page = (await rest.get('/deliveries', { states: random.chance(0.5) ? 'STARTED' : 'IN_TRANSIT', pageSize: 20 })) as {
          deliveries?: { id: string; state: string }[];
        };
        const delivery = page.deliveries === undefined || page.deliveries.length === 0 ? undefined : random.pick(page.deliveries);
        if (delivery === undefined) return undefined;
        return rest.patch(`/deliveries/${delivery.id}`, { state: delivery.state === 'STARTED' ? 'IN_TRANSIT' : 'DELIVERED' });
      }
      case 'issueCoupon':
        return issueCoupon(random.pick(customerIds), random, (body) => rest.post('/coupons', { ...body, requestId }));
      case 'switchFaults':
        return options.processor?.setFaults(random.pick(faultChoices));
    }
  };

  // A placement the shop failed may have been committed all the same (the store died in its
  // commit, the answer was lost): as a customer would, ask again with its requestId, which answers
  // the order it made or makes it once. The failure still counts as the shop's answer.
  const learnPlacement = async (body: Record<string, unknown>): Promise<void> => {
    const order = await createSurely(rest, '/orders', body).catch((error: unknown) => {
      if (shopFailed(error)) throw error;
    });
    if (order !== undefined) result.acceptedOrderIds.push(idOf(order));
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < plan.length) {
      const index = next;
      next += 1;
      const operation = plan[index] ?? 'placeOrder';
      await options.beforeOperation?.(index);
      try {
        await perform(operation, new SeededRandom(options.seed * 7919 + index), `workload-${options.seed}-${index}-${randomSuffix}`);
        count(operation, '2xx');
      } catch (error) {
        if (error instanceof RestError && refusals.has(error.status)) {
          count(operation, String(error.status));
        } else {
          count(operation, 'unexpected');
          result.unexpected.push(`${operation}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return result;
}

/**
 * POST `body` (which carries a requestId) until the shop answers it: a failure of the shop (5xx, no
 * answer) is tried again for up to two minutes, and a retry returns what the first create made.
 */
async function createSurely(rest: RestClient, path: string, body: Record<string, unknown>): Promise<unknown> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      return await rest.post(path, body);
    } catch (error) {
      if (!shopFailed(error) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** A failure of the shop (5xx, no answer), not a refusal of the request. */
function shopFailed(error: unknown): boolean {
  return !(error instanceof RestError) || error.status >= 500;
}
