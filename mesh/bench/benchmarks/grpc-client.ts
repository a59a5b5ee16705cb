import { CatalogServiceClient } from '#contracts/catalog/v1/catalog.js';
import { createGrpcClient } from '#kit/grpc/client.js';
import { createLogger } from '#kit/log/log.js';
import { rawGetBook } from '#kit-testing/grpc-probes.js';
import type { Benchmark } from '../benchmark.js';
import { inFlight } from '../measure.js';
import { startBareCatalog } from '../support/bare-catalog.js';
import { catalogClient } from '../support/catalog.js';
import { withClosers } from '../support/closers.js';

const callsInFlight = 16;

/** The kit's client (deadline, trace metadata, retries and breaker) against a plain generated client; same bare server. */
export const grpcClient: Benchmark = {
  name: 'gRPC client (kit)',
  unit: 'call',
  maxOps: 5_000,
  setUp() {
    return withClosers(async (closers) => {
      const { address } = closers.add(await startBareCatalog(), (server) => server.stop());
      const kit = closers.add(
        createGrpcClient(CatalogServiceClient, { caller: 'edge', callee: 'catalog', address, inProcessResilience: true, log: createLogger('bench', 'silent') }),
        (client) => { client.close(); },
      );
      const raw = catalogClient(address, closers);
      return {
        ours: {
          label: `kit client with in-process resilience (local mesh) -> bare grpc-js server; ${callsInFlight} in flight`,
          run: inFlight(() => kit.call('getBook', { id: 1 }), callsInFlight),
        },
        baseline: {
          label: `generated grpc-js client with a deadline -> the same server; ${callsInFlight} in flight`,
          run: inFlight(() => rawGetBook(raw, { id: 1 }), callsInFlight),
        },
        close: () => closers.close(),
      };
    });
  },
};
