import { fileURLToPath } from 'node:url';
import { readConfig, type Env } from '#kit/config/config.js';
import { callPolicy } from '../../../mesh/policy/resilience.js';
import { edgePort, meshServices, type MeshService } from '../../../mesh/policy/services.js';
import type { EdgeConfig } from './start-edge.js';

/** proto/gen/bookstore.binpb of this checkout, wherever the process was started from. */
const defaultDescriptorSet = fileURLToPath(new URL('../../../proto/gen/bookstore.binpb', import.meta.url));

/** The variable holding a service's gRPC address, e.g. CATALOG_ADDR=127.0.0.1:50051. */
export function addressVariable(service: MeshService): string {
  return `${service.name.toUpperCase()}_ADDR`;
}

/**
 * The edge's configuration from the environment. Every service of mesh/policy/services.ts is
 * transcoded: its address from <NAME>_ADDR (the local mesh port by default), its default deadline
 * from the edge -> service policy in mesh/policy/resilience.ts.
 */
export function readEdgeConfig(env: Env = process.env): EdgeConfig {
  return readConfig(
    (read) => ({
      host: read.string('EDGE_HOST', '0.0.0.0'),
      port: read.port('EDGE_PORT', edgePort),
      descriptorSetPath: read.string('DESCRIPTOR_SET', defaultDescriptorSet),
      backends: meshServices.flatMap((service) => {
        const address = read.address(addressVariable(service), `127.0.0.1:${service.localGrpcPort}`);
        const { deadlineMs, retries } = callPolicy('edge', service.name);
        return service.grpcServices.map((grpcService) => ({ grpcService, callee: service.name, address, deadlineMs, retries }));
      }),
      logLevel: read.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
      shutdownGraceMs: read.int('SHUTDOWN_GRACE_MS', 10_000, { min: 0 }),
    }),
    env,
  );
}
