import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startAdminServer } from '#kit/admin/admin-server.js';
import { withCallContext } from '#kit/context/call-context.js';
import type { ProcessSettings } from '#kit/config/process-settings.js';
import { createLogger } from '#kit/log/log.js';
import { listen } from '#kit/process/ports.js';
import { flushTraces, startTracing } from '#kit/telemetry/tracing.js';
import { AccessGate, type EdgeAccessConfig } from './access/access-gate.js';
import { GrpcBackends, type GrpcBackend } from './backend/grpc-backends.js';
import { loadDescriptorSet } from './descriptors/load-descriptor-set.js';
import { answerHealth, healthPaths } from './http/health.js';
import { requestIdOf } from './http/request-headers.js';
import { inRequestSpan } from './http/request-span.js';
import { transcode } from './http/transcoding-handler.js';
import { RouteTable } from './routing/route-table.js';
import { edgeDeadlines, grpcJsonTranscoderOptions, requestIdHeader } from './transcoding-options.js';

/**
 * Where the edge listens and what it transcodes; LOG_LEVEL and the drain time as every process
 * reads them (shutdownGraceMs: how long in-flight requests may take on close).
 */
export interface EdgeConfig extends ProcessSettings {
  /** Interface to listen on; 0.0.0.0 for every one. */
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Where /livez, /readyz and /metrics are served on their own port, as a service's admin port; none when undefined. */
  adminPort: number | undefined;
  /** The descriptor set `make proto` writes, with imports and source info. */
  descriptorSetPath: string;
  /** Every gRPC service the edge transcodes, where it is served and its default deadline. */
  backends: readonly GrpcBackend[];
  /** Access tokens and rate limits (services/edge/src/access). */
  access: EdgeAccessConfig;
}

export interface RunningEdge {
  /** Base URL for clients on this machine, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  readonly port: number;
  /** The admin port actually bound, when there is one. */
  readonly adminPort: number | undefined;
  /** Drains: stops accepting, lets in-flight requests finish (up to the grace time), closes channels. */
  close(): Promise<void>;
}

/**
 * Starts the local edge in this process: loads the descriptor set, builds and checks the route
 * table (throwing at once for a rule it cannot serve), and serves REST on config.host:config.port.
 */
export async function startEdge(config: EdgeConfig): Promise<RunningEdge> {
  startTracing('edge', config.tracing);
  const logger = createLogger('edge', config.logLevel);
  const registry = loadDescriptorSet(config.descriptorSetPath);
  const backends = new GrpcBackends(config.backends);
  const routes = RouteTable.build(registry, backends.services, Object.values(healthPaths));
  const access = AccessGate.build(registry, routes.routes, config.access);
  const context = { routes, backends, registry, options: grpcJsonTranscoderOptions, grpcTimeoutHeaderMaxMs: edgeDeadlines.grpcTimeoutHeaderMaxMs, logger, access };

  let draining = false;
  const inFlight = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    const requestId = requestIdOf(request);
    response.setHeader(requestIdHeader, requestId);
    if (draining) response.setHeader('connection', 'close');
    if (answerHealth(request, response, draining, grpcJsonTranscoderOptions.print_options)) return;
    inFlight.add(response);
    response.on('close', () => inFlight.delete(response));
    void withCallContext({ correlationId: requestId }, () => inRequestSpan(request, response, () => transcode(context, request, response, requestId)));
  });
  await listen(server, config.port, config.host);
  const { port } = server.address() as AddressInfo;
  logger.info({ port, services: backends.services, routes: routes.routes.length }, 'edge listening');
  const admin =
    config.adminPort === undefined
      ? undefined
      : await startAdminServer({
          port: config.adminPort,
          host: config.host,
          readiness: () => Promise.resolve({ ok: !draining, checks: { serving: draining ? 'draining' : true } }),
          log: logger,
        }).catch(async (error: unknown) => {
          await new Promise((resolve) => server.close(resolve));
          throw error;
        });

  let closing: Promise<void> | undefined;
  const drain = async (): Promise<void> => {
    draining = true;
    logger.info({ inFlight: inFlight.size }, 'edge draining');
    // Keep-alive connections of in-flight requests close once their response is sent.
    for (const response of inFlight) if (!response.headersSent) response.setHeader('connection', 'close');
    const closed = new Promise<void>((resolve) => server.close(() => { resolve(); }));
    server.closeIdleConnections();
    const cut = setTimeout(() => { server.closeAllConnections(); }, config.shutdownGraceMs);
    await closed;
    clearTimeout(cut);
    backends.close();
    await admin?.close();
    await flushTraces();
    logger.info('edge stopped');
  };
  const unspecified = config.host === '0.0.0.0' || config.host === '::';
  return {
    url: `http://${unspecified ? '127.0.0.1' : config.host}:${port}`,
    port,
    adminPort: admin?.port,
    close: () => (closing ??= drain()),
  };
}

