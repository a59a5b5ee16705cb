import { pathToFileURL } from 'node:url';
import { CouponServiceService } from '#contracts/coupon/v1/coupon.js';
import { readServiceConfig, type ServiceConfig } from '#kit/config/service-config.js';
import { startService, type RunningService, type ServiceBlueprint } from '#kit/host/service-host.js';
import { runService } from '#kit/host/run.js';
import { meshService } from '#mesh/policy/services.js';
import { CouponCommands } from './app/coupon-commands.js';
import { CouponPolicies } from './app/coupon-policies.js';
import { CouponQueries } from './app/coupon-queries.js';
import { systemClock } from './app/ports.js';
import { couponMigrations } from './adapters/db/migrations.js';
import { KnexCouponStore } from './adapters/db/knex-coupon-store.js';
import { couponEventHandler, couponSubscriptions } from './adapters/events/incoming.js';
import { couponService } from './adapters/grpc/coupon-service.js';

/** Wiring only: config -> adapters -> use cases -> the kit's service host. */
export function couponBlueprint(): ServiceBlueprint<ServiceConfig> {
  return {
    migrations: couponMigrations,
    grpcServices: ({ db, eventsCommitted }) => {
      const store = new KnexCouponStore(db, eventsCommitted);
      return [{ definition: CouponServiceService, implementation: couponService(new CouponCommands(store, systemClock), new CouponQueries(store)) }];
    },
    consumers: ({ db }) => [
      {
        durable: 'coupon',
        events: couponSubscriptions,
        handle: couponEventHandler(new KnexCouponStore(db), new CouponPolicies(systemClock)),
      },
    ],
  };
}

export function readCouponConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const { localGrpcPort, localAdminPort } = meshService('coupon');
  return readServiceConfig('coupon', { grpcPort: localGrpcPort, adminPort: localAdminPort }, () => ({}), env);
}

export function startCoupon(config: ServiceConfig): Promise<RunningService<ServiceConfig>> {
  return startService(config, couponBlueprint());
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  void runService('coupon', () => readCouponConfig(), couponBlueprint);
}
