import { pathToFileURL } from 'node:url';
import { CatalogServiceService } from '#contracts/catalog/v1/catalog.js';
import { readServiceConfig, type ServiceConfig } from '#kit/config/service-config.js';
import { startService, type RunningService, type ServiceBlueprint } from '#kit/host/service-host.js';
import { runService } from '#kit/host/run.js';
import { meshService } from '#mesh/policy/services.js';
import { BookCommands } from './app/book-commands.js';
import { CatalogQueries } from './app/catalog-queries.js';
import { systemClock } from './app/ports.js';
import { PreparationPolicies } from './app/preparation-policies.js';
import { catalogMigrations } from './adapters/db/migrations.js';
import { KnexCatalogStore } from './adapters/db/knex-catalog-store.js';
import { catalogEventHandler, catalogSubscriptions } from './adapters/events/incoming.js';
import { catalogService } from './adapters/grpc/catalog-service.js';

/** Wiring only: config -> adapters -> use cases -> the kit's service host. */
export function catalogBlueprint(): ServiceBlueprint<ServiceConfig> {
  return {
    migrations: catalogMigrations,
    grpcServices: ({ db, eventsCommitted }) => {
      const store = new KnexCatalogStore(db, eventsCommitted);
      return [{ definition: CatalogServiceService, implementation: catalogService(new BookCommands(store, systemClock), new CatalogQueries(store)) }];
    },
    consumers: ({ db }) => [
      {
        durable: 'catalog',
        events: catalogSubscriptions,
        handle: catalogEventHandler(new KnexCatalogStore(db), new PreparationPolicies(systemClock)),
      },
    ],
  };
}

export function readCatalogConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const { localGrpcPort, localAdminPort } = meshService('catalog');
  return readServiceConfig('catalog', { grpcPort: localGrpcPort, adminPort: localAdminPort }, () => ({}), env);
}

export function startCatalog(config: ServiceConfig): Promise<RunningService<ServiceConfig>> {
  return startService(config, catalogBlueprint());
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  void runService('catalog', () => readCatalogConfig(), catalogBlueprint);
}
