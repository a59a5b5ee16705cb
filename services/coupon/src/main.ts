import { CouponServiceService } from '#contracts/coupon/v1/coupon.js';
import type { ServiceConfig } from '#kit/config/service-config.js';
import { defineService } from '#kit/host/define-service.js';
import type { ServiceBlueprint } from '#kit/host/service-host.js';
import { CouponCommands } from './app/coupon-commands.js';
import { CouponPolicies } from './app/coupon-policies.js';
import { CouponQueries } from './app/coupon-queries.js';
import { systemClock } from './app/ports.js';
import { couponMigrations } from './adapters/db/migrations.js';
import { KnexCouponStore } from './adapters/db/knex-coupon-store.js';
import { couponEventHandlers } from './adapters/events/incoming.js';
import { couponService } from './adapters/grpc/coupon-service.js';

/** Wiring only: config -> adapters -> use cases -> the kit's service host. */
function couponBlueprint(): ServiceBlueprint<ServiceConfig> {
  return {
    migrations: couponMigrations,
    grpcServices: ({ db, eventsCommitted }) => {
      const store = new KnexCouponStore(db, eventsCommitted);
      return [{ definition: CouponServiceService, implementation: couponService(new CouponCommands(store, systemClock), new CouponQueries(store)) }];
    },
    consumers: ({ db }) => [
      {
        durable: 'coupon',
        ...couponEventHandlers(new KnexCouponStore(db), new CouponPolicies(systemClock)),
      },
    ],
  };
}

export const coupon = defineService('coupon', couponBlueprint);

coupon.runIfEntry(import.meta.url);
