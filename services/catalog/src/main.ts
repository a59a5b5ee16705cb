import { CatalogServiceService } from '#contracts/catalog/v1/catalog.js';
import type { ServiceConfig } from '#kit/config/service-config.js';
import { defineService } from '#kit/host/define-service.js';
import type { ServiceBlueprint } from '#kit/host/service-host.js';
import { BookCommands } from './app/book-commands.js';
import { CatalogQueries } from './app/catalog-queries.js';
import { systemClock } from './app/ports.js';
import { PreparationPolicies } from './app/preparation-policies.js';
import { catalogMigrations } from './adapters/db/migrations.js';
import { KnexCatalogStore } from './adapters/db/knex-catalog-store.js';
import { catalogEventHandlers } from './adapters/events/incoming.js';
import { catalogService } from './adapters/grpc/catalog-service.js';

/** Wiring only: config -> adapters -> use cases -> the kit's service host. */
function catalogBlueprint(): ServiceBlueprint<ServiceConfig> {
  return {
    migrations: catalogMigrations,
    grpcServices: ({ db, eventsCommitted }) => {
      const store = new KnexCatalogStore(db, eventsCommitted);
      return [{ definition: CatalogServiceService, implementation: catalogService(new BookCommands(store, systemClock), new CatalogQueries(store)) }];
    },
    consumers: ({ db }) => [
      {
        durable: 'catalog',
        ...catalogEventHandlers(new KnexCatalogStore(db), new PreparationPolicies(systemClock)),
      },
    ],
  };
}

export const catalog = defineService('catalog', catalogBlueprint);

catalog.runIfEntry(import.meta.url);
