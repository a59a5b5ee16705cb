import { CatalogServiceService, type GetBookRequest } from '#contracts/catalog/v1/catalog.js';
import { startGrpcServer } from '#kit/grpc/server.js';
import { unary } from '#kit/grpc/unary.js';
import { createLogger } from '#kit/log/log.js';
import { rawGetBook } from '#kit-testing/grpc-probes.js';
import type { Benchmark } from '../benchmark.js';
import { inFlight } from '../measure.js';
import { getBookAnswer, startBareCatalog } from '../support/bare-catalog.js';
import { catalogClient } from '../support/catalog.js';
import { withClosers } from '../support/closers.js';

const callsInFlight = 16;

/** The kit's server alone: the same constant answer, with and without what startGrpcServer wraps around a handler. */
export const grpcServer: Benchmark = {
  name: 'gRPC server (kit)',
  unit: 'call',
  maxOps: 5_000,
  setUp() {
    return withClosers(async (closers) => {
      const getBook = unary((request: GetBookRequest) => Promise.resolve(getBookAnswer(request.id)));
      const kitServer = closers.add(
        await startGrpcServer({
          service: 'bench',
          host: '127.0.0.1',
          port: 0,
          services: [{ definition: CatalogServiceService, implementation: { getBook } }],
          log: createLogger('bench', 'silent'),
        }),
        (server) => server.shutdown(1_000),
      );
      const kit = catalogClient(`127.0.0.1:${kitServer.port}`, closers);
      const bare = catalogClient(closers.add(await startBareCatalog(), (server) => server.stop()).address, closers);
      return {
        ours: {
          label: `kit server (call context, log call at silent level, latency histogram) + unary() answering a constant book; ${callsInFlight} in flight`,
          run: inFlight(() => rawGetBook(kit, { id: 1 }), callsInFlight),
        },
        baseline: {
          label: `bare grpc-js server answering the same constant book; ${callsInFlight} in flight`,
          run: inFlight(() => rawGetBook(bare, { id: 1 }), callsInFlight),
        },
        close: () => closers.close(),
      };
    });
  },
};
