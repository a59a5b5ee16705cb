import { CatalogServiceClient, type CatalogServiceService } from '#contracts/catalog/v1/catalog.js';
import type { ServiceConfig } from '#kit/config/service-config.js';
import { createGrpcClient, type GrpcClient } from '#kit/grpc/client.js';
import type { RunningService } from '#kit/host/service-host.js';
import { createLogger } from '#kit/log/log.js';
import type { TestDatabase } from '#kit/testing/postgres.js';
import { createTestStore, type StoreKind } from '#kit/testing/stores.js';
import { catalog } from '../src/main.js';

/** A real catalog process in-process: its own store, the test's nats-server, free ports. */
export interface CatalogUnderTest {
  service: RunningService<ServiceConfig>;
  client: GrpcClient<typeof CatalogServiceService>;
  address: string;
  stop(): Promise<void>;
}

export async function startCatalogUnderTest(natsUrl: string, kind: StoreKind = 'sqlite'): Promise<CatalogUnderTest> {
  const store: TestDatabase = await createTestStore(kind, 'catalog');
  const service = await catalog.start(
    catalog.readConfig({ NATS_URL: natsUrl, DATABASE_URL: store.url, GRPC_PORT: '0', ADMIN_PORT: '0', LOG_LEVEL: 'silent' }),
  );
  const address = `127.0.0.1:${service.grpcPort}`;
  const client = createGrpcClient(CatalogServiceClient, {
    caller: 'edge',
    callee: 'catalog',
    address,
    inProcessResilience: false,
    log: createLogger('test', 'silent'),
  });
  return {
    service,
    client,
    address,
    async stop() {
      client.close();
      await service.stop();
      await store.drop();
    },
  };
}
