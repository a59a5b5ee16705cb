import { CatalogServiceClient, type CatalogServiceService } from '#contracts/catalog/v1/catalog.js';
import type { ServiceConfig } from '#kit/config/service-config.js';
import { startServiceUnderTest, type ServiceUnderTest } from '#kit-testing/service-under-test.js';
import type { StoreKind } from '#kit-testing/stores.js';
import { catalog } from '../src/main.js';

/** A real catalog process in-process: its own store, the test's nats-server, free ports. */
export type CatalogUnderTest = ServiceUnderTest<ServiceConfig, typeof CatalogServiceService>;

export function startCatalogUnderTest(natsUrl: string, kind: StoreKind = 'sqlite'): Promise<CatalogUnderTest> {
  return startServiceUnderTest(catalog, CatalogServiceClient, { natsUrl, store: kind });
}
