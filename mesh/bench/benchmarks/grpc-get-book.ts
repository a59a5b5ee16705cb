import { rawGetBook } from '#kit-testing/grpc-probes.js';
import { natsUrlOf, type Benchmark } from '../benchmark.js';
import { inFlight } from '../measure.js';
import { startBareCatalog } from '../support/bare-catalog.js';
import { catalogClient, seedBooks, startBenchCatalog } from '../support/catalog.js';
import { withClosers } from '../support/closers.js';

const callsInFlight = 16;

/** The kit's gRPC server and the catalog's read path against grpc-js answering from memory; same client both sides. */
export const grpcGetBook: Benchmark = {
  name: 'gRPC GetBook (catalog)',
  unit: 'call',
  maxOps: 5_000,
  async setUp(env) {
    const natsUrl = natsUrlOf(env);
    if (typeof natsUrl !== 'string') return natsUrl;
    return withClosers(async (closers) => {
      const catalog = catalogClient((await startBenchCatalog(natsUrl, closers)).address, closers);
      const bare = catalogClient(closers.add(await startBareCatalog(), (server) => server.stop()).address, closers);
      const nextId = await seedBooks(catalog, 100);
      return {
        ours: {
          label: `catalog service on SQLite: kit server (call context, log, metrics) -> knex read; ${callsInFlight} in flight`,
          run: inFlight(() => rawGetBook(catalog, { id: nextId() }), callsInFlight),
        },
        baseline: {
          label: `bare grpc-js server answering a constant book; ${callsInFlight} in flight`,
          run: inFlight(() => rawGetBook(bare, { id: nextId() }), callsInFlight),
        },
        close: () => closers.close(),
      };
    });
  },
};
