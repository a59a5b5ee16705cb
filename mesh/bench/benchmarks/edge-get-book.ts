import { Agent } from 'node:http';
import { rawGetBook } from '#kit-testing/grpc-probes.js';
import { readEdgeConfig } from '../../../services/edge/src/config.js';
import { startEdge } from '../../../services/edge/src/start-edge.js';
import { natsUrlOf, type Benchmark } from '../benchmark.js';
import { inFlight } from '../measure.js';
import { catalogClient, seedBooks, startBenchCatalog } from '../support/catalog.js';
import { withClosers } from '../support/closers.js';
import { httpGetJson } from '../support/http-get.js';

const requestsInFlight = 16;

/** What the REST edge adds in front of a service: the same catalog, reached through the edge or directly. */
export const edgeGetBook: Benchmark = {
  name: 'REST GET /books/{id} (edge)',
  unit: 'request',
  maxOps: 3_000,
  async setUp(env) {
    const natsUrl = natsUrlOf(env);
    if (typeof natsUrl !== 'string') return natsUrl;
    return withClosers(async (closers) => {
      const { address } = await startBenchCatalog(natsUrl, closers);
      const grpc = catalogClient(address, closers);
      const nextId = await seedBooks(grpc, 100);
      const config = readEdgeConfig({ EDGE_HOST: '127.0.0.1', EDGE_PORT: '0', CATALOG_ADDR: address, LOG_LEVEL: 'silent' });
      // The edge's work per request is measured, not its refusals: one caller's bucket that never empties.
      const rateLimit = { burst: Number.MAX_SAFE_INTEGER, refillPerSecond: Number.MAX_SAFE_INTEGER };
      const edge = closers.add(await startEdge({ ...config, access: { ...config.access, rateLimit } }), (running) => running.close());
      const agent = closers.add(new Agent({ keepAlive: true, maxSockets: requestsInFlight }), (opened) => { opened.destroy(); });
      return {
        ours: {
          label: `local edge: keep-alive HTTP GET -> route, transcode -> catalog GetBook over gRPC -> JSON; ${requestsInFlight} in flight`,
          run: inFlight(() => httpGetJson(agent, `${edge.url}/books/${nextId()}`), requestsInFlight),
        },
        baseline: {
          label: `the same catalog GetBook over gRPC, straight from a generated client; ${requestsInFlight} in flight`,
          run: inFlight(() => rawGetBook(grpc, { id: nextId() }), requestsInFlight),
        },
        close: () => closers.close(),
      };
    });
  },
};
