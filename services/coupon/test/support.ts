import { CouponServiceClient, type CouponServiceService } from '#contracts/coupon/v1/coupon.js';
import type { ServiceConfig } from '#kit/config/service-config.js';
import { createGrpcClient, type GrpcClient } from '#kit/grpc/client.js';
import type { RunningService } from '#kit/host/service-host.js';
import { createLogger } from '#kit/log/log.js';
import type { TestDatabase } from '#kit/testing/postgres.js';
import { createTestStore, type StoreKind } from '#kit/testing/stores.js';
import { coupon } from '../src/main.js';

/** A real coupon process in-process: its own store, the test's nats-server, free ports. */
export interface CouponUnderTest {
  service: RunningService<ServiceConfig>;
  databaseUrl: string;
  client: GrpcClient<typeof CouponServiceService>;
  address: string;
  stop(): Promise<void>;
}

/** One more coupon replica on an existing store: replicas share the durable consumer and the store. */
export function startCouponReplica(natsUrl: string, databaseUrl: string): Promise<RunningService<ServiceConfig>> {
  return coupon.start(coupon.readConfig({ NATS_URL: natsUrl, DATABASE_URL: databaseUrl, GRPC_PORT: '0', ADMIN_PORT: '0', LOG_LEVEL: 'silent' }));
}

export async function startCouponUnderTest(natsUrl: string, kind: StoreKind = 'sqlite'): Promise<CouponUnderTest> {
  const store: TestDatabase = await createTestStore(kind, 'coupon');
  const service = await startCouponReplica(natsUrl, store.url);
  const address = `127.0.0.1:${service.grpcPort}`;
  const client = createGrpcClient(CouponServiceClient, {
    caller: 'edge',
    callee: 'coupon',
    address,
    inProcessResilience: false,
    log: createLogger('test', 'silent'),
  });
  return {
    service,
    databaseUrl: store.url,
    client,
    address,
    async stop() {
      client.close();
      await service.stop();
      await store.drop();
    },
  };
}
