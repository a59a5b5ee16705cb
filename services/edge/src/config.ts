import { fileURLToPath } from 'node:url';
import { readConfig, type Env } from '#kit/config/config.js';
import { readPeerAddress } from '#kit/config/peer-address.js';
import { readProcessSettings } from '#kit/config/process-settings.js';
import { callPolicy } from '../../../mesh/policy/resilience.js';
import { edgePort, meshServices } from '../../../mesh/policy/services.js';
import type { EdgeConfig } from './start-edge.js';

/** proto/gen/bookstore.binpb of this checkout, wherever the process was started from. */
const defaultDescriptorSet = fileURLToPath(new URL('../../../proto/gen/bookstore.binpb', import.meta.url));

/**
 * The edge's configuration from the environment, through the kit's reader like every service's.
 * Every service of mesh/policy/services.ts is transcoded: its address from <NAME>_ADDR (the local
 * mesh port by default), its default deadline from the edge -> service policy in mesh/policy/resilience.ts.
 */
export function readEdgeConfig(env: Env = process.env): EdgeConfig {
  return readConfig(
    (read) => ({
      host: read.string('EDGE_HOST', '0.0.0.0'),
      port: read.port('EDGE_PORT', edgePort),
      descriptorSetPath: read.string('DESCRIPTOR_SET', defaultDescriptorSet),
      backends: meshServices.flatMap((service) => {
        const address = readPeerAddress(read, service.name);
        const { deadlineMs } = callPolicy('edge', service.name);
        return service.grpcServices.map((grpcService) => ({ grpcService, address, deadlineMs }));
      }),
      ...readProcessSettings(read),
    }),
    env,
  );
}
