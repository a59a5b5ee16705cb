import type { PostgresServer } from '#kit/process/postgres-server.js';
import { meshServices } from '../policy/services.js';

/**
 * A database on `server` for every service's store, the local mesh's `databaseUrls`: one per
 * service, and one per replica of a read model kept per replica (my page).
 */
export async function postgresStores(server: PostgresServer, replicas: (service: string) => number): Promise<Record<string, string>> {
  const urls: Record<string, string> = {};
  for (const service of meshServices) {
    const keys = service.stateful === 'replica-local' ? Array.from({ length: replicas(service.name) }, (_, index) => `${service.name}-${String(index + 1)}`) : [service.name];
    for (const key of keys) urls[key] = await server.createDatabase(key.replace('-', '_'));
  }
  return urls;
}
