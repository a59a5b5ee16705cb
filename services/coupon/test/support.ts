import { CouponServiceClient, type CouponServiceService } from '#contracts/coupon/v1/coupon.js';
import type { ServiceConfig } from '#kit/config/service-config.js';
import { startServiceUnderTest, type ServiceUnderTest } from '#kit-testing/service-under-test.js';
import type { StoreKind } from '#kit-testing/stores.js';
import { coupon } from '../src/main.js';

/** A real coupon process in-process: its own store, the test's nats-server, free ports. */
export type CouponUnderTest = ServiceUnderTest<ServiceConfig, typeof CouponServiceService>;

/** One more coupon replica on an existing store: replicas share the durable consumer and the store. */
export function startCouponReplica(natsUrl: string, databaseUrl: string): Promise<CouponUnderTest> {
  return startServiceUnderTest(coupon, CouponServiceClient, { natsUrl, store: { url: databaseUrl } });
}

export function startCouponUnderTest(natsUrl: string, kind: StoreKind = 'sqlite'): Promise<CouponUnderTest> {
  return startServiceUnderTest(coupon, CouponServiceClient, { natsUrl, store: kind });
}
