import { readConfig, type Env } from '#kit/config/config.js';
import { readPeerAddress } from '#kit/config/peer-address.js';
import { readProcessSettings } from '#kit/config/process-settings.js';
import { apiAudience } from '../../../mesh/policy/access.js';
import { authPort } from '../../../mesh/policy/services.js';
import type { AuthConfig } from './auth-server.js';

/** The token service's configuration from the environment. */
export function readAuthConfig(env: Env = process.env): AuthConfig {
  return readConfig((read) => {
    const port = read.port('AUTH_PORT', authPort);
    const dataDir = read.string('AUTH_DATA_DIR', '.data/auth');
    return {
      host: read.string('AUTH_HOST', '0.0.0.0'),
      port,
      issuer: read.string('AUTH_ISSUER', `http://127.0.0.1:${port}`),
      audience: read.string('AUTH_AUDIENCE', apiAudience),
      keysFile: read.string('AUTH_KEYS_FILE', `${dataDir}/signing-keys.json`),
      keyRotationMs: read.int('AUTH_KEY_ROTATION_MS', 24 * 3_600_000, { min: 0 }),
      keysKept: read.int('AUTH_KEYS_KEPT', 2, { min: 2, max: 10 }),
      staffClientsFile: read.string('AUTH_STAFF_CLIENTS_FILE', `${dataDir}/staff-clients.json`),
      accessTokenTtlSeconds: read.int('AUTH_ACCESS_TOKEN_TTL_SECONDS', 600, { min: 30, max: 3600 }),
      customerAddress: readPeerAddress(read, 'customer'),
      inProcessResilience: read.bool('IN_PROCESS_RESILIENCE', true),
      logLevel: readProcessSettings(read).logLevel,
    };
  }, env);
}
