import { fileURLToPath } from 'node:url';
import { readConfig, type ConfigReader, type Env } from '#kit/config/config.js';
import { readPeerAddress } from '#kit/config/peer-address.js';
import { readProcessSettings } from '#kit/config/process-settings.js';
import { apiAudience } from '../../../mesh/policy/access.js';
import { edgeRateLimit } from '../../../mesh/policy/rate-limits.js';
import { callPolicy } from '../../../mesh/policy/resilience.js';
import { authPort, edgePort, meshServices } from '../../../mesh/policy/services.js';
import type { EdgeAccessConfig } from './access/access-gate.js';
import type { EdgeConfig } from './start-edge.js';

/** proto/gen/bookstore.binpb of this checkout, wherever the process was started from. */
const defaultDescriptorSet = fileURLToPath(new URL('../../../proto/gen/bookstore.binpb', import.meta.url));

/** Tokens from the token service (its issuer URL and JWKS), rate limits from mesh/policy/rate-limits.ts. */
function readAccessConfig(read: ConfigReader): EdgeAccessConfig {
  const issuer = read.string('AUTH_ISSUER', `http://127.0.0.1:${authPort}`);
  return {
    tokens: {
      issuer,
      jwksUrl: read.string('AUTH_JWKS_URL', `${issuer}/jwks`),
      audience: read.string('AUTH_AUDIENCE', apiAudience),
      jwksCacheMaxAgeMs: read.int('AUTH_JWKS_CACHE_MS', 600_000, { min: 0 }),
      jwksCooldownMs: read.int('AUTH_JWKS_COOLDOWN_MS', 30_000, { min: 0 }),
    },
    rateLimit: edgeRateLimit,
  };
}

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
      adminPort: read.optionalString('EDGE_ADMIN_PORT') === undefined ? undefined : read.port('EDGE_ADMIN_PORT'),
      descriptorSetPath: read.string('DESCRIPTOR_SET', defaultDescriptorSet),
      backends: meshServices.flatMap((service) => {
        const address = readPeerAddress(read, service.name);
        const { deadlineMs, retries } = callPolicy('edge', service.name);
        return service.grpcServices.map((grpcService) => ({ grpcService, callee: service.name, address, deadlineMs, retries }));
      }),
      ...readProcessSettings(read),
      access: readAccessConfig(read),
    }),
    env,
  );
}
