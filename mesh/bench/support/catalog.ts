import { CatalogServiceClient } from '#contracts/catalog/v1/catalog.js';
import { rawCatalog } from '#kit-testing/grpc-probes.js';
import { createTestStore } from '#kit-testing/stores.js';
import { catalog } from '../../../services/catalog/src/main.js';
import type { Closers } from './closers.js';

/** The real catalog service in this process: kit host, SQLite store, the run's nats-server, free ports. */
export async function startBenchCatalog(natsUrl: string, closers: Closers): Promise<{ address: string }> {
  const store = closers.add(await createTestStore('sqlite', 'bench-catalog'), (opened) => opened.drop());
  const service = closers.add(
    await catalog.start(catalog.readConfig({ NATS_URL: natsUrl, DATABASE_URL: store.url, GRPC_PORT: '0', ADMIN_PORT: '0', LOG_LEVEL: 'silent' })),
    async (running) => {
      await running.stop();
    },
  );
  return { address: `127.0.0.1:${service.grpcPort}` };
}

/** Registers `count` books through the catalog's CreateBook; returns a function cycling over their ids. */
export async function seedBooks(client: CatalogServiceClient, count: number): Promise<() => number> {
  for (let index = 0; index < count; index++) {
    await new Promise<void>((resolve, reject) => {
      client.createBook({ bookName: `Bench Book ${index}`, stock: 100, price: 1_200, requestId: '' }, (error) => {
        if (error === null) resolve();
        else reject(error);
      });
    });
  }
  // A fresh store numbers them 1..count.
  let next = 0;
  return () => (next++ % count) + 1;
}

export function catalogClient(address: string, closers: Closers): CatalogServiceClient {
  return closers.add(rawCatalog(address), (client) => { client.close(); });
}
