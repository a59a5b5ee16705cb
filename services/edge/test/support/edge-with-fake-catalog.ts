import type { OutgoingHttpHeaders } from 'node:http';
import type { RateLimit } from '../../../../mesh/policy/rate-limits.js';
import { readEdgeConfig } from '../../src/config.js';
import { startEdge, type RunningEdge } from '../../src/start-edge.js';
import { FakeCatalog } from './fake-catalog.js';
import { httpCall, type HttpAnswer } from './http-client.js';
import { TestIssuer } from './test-issuer.js';

export interface EdgeUnderTest {
  edge: RunningEdge;
  catalog: FakeCatalog;
  call(method: string, path: string, options?: { body?: string | object; headers?: OutgoingHttpHeaders }): Promise<HttpAnswer>;
  stop(): Promise<void>;
}

/**
 * The local edge, configured from the environment as main.ts configures it, in front of a fake
 * catalog; requests carry a book manager's token unless they set their own Authorization. The
 * rate limit is mesh/policy's unless given.
 */
export async function startEdgeWithFakeCatalog(rateLimit?: RateLimit): Promise<EdgeUnderTest> {
  const catalog = await FakeCatalog.start();
  const issuer = await TestIssuer.start();
  const bookManager = `Bearer ${await issuer.token('book-manager')}`;
  const config = readEdgeConfig({
    ...issuer.env,
    EDGE_HOST: '127.0.0.1',
    EDGE_PORT: '0',
    EDGE_ADMIN_PORT: '0',
    CATALOG_ADDR: catalog.address,
    LOG_LEVEL: 'silent',
    SHUTDOWN_GRACE_MS: '5000',
  });
  const edge = await startEdge(rateLimit === undefined ? config : { ...config, access: { ...config.access, rateLimit } });
  return {
    edge,
    catalog,
    call: (method, path, options = {}) =>
      httpCall(edge.url, method, path, {
        headers: { authorization: bookManager, ...options.headers },
        body: typeof options.body === 'object' ? JSON.stringify(options.body) : options.body,
      }),
    stop: async () => {
      await edge.close();
      await catalog.stop();
      await issuer.stop();
    },
  };
}
