import { readConfig } from '#kit/config/config.js';
import { staffClientsFile } from '../local/local-mesh.js';
import { authPort } from '../policy/services.js';
import { RouteTokens } from './route-tokens.js';
import { ShopTokens } from './shop-tokens.js';

/**
 * Each request's access token from the running `make dev`'s token service (`AUTH_URL`, its staff
 * clients under `MESH_DATA_DIR`), by real grants as `make token` gets them, for requests to `edgeUrl`.
 */
export function devRouteTokens(edgeUrl: string): RouteTokens {
  const config = readConfig((env) => ({
    dataDir: env.string('MESH_DATA_DIR', '.data'),
    issuer: env.string('AUTH_URL', `http://127.0.0.1:${authPort}`),
  }));
  return new RouteTokens(new ShopTokens({ issuer: config.issuer, edgeUrl, staffClientsFile: staffClientsFile(config.dataDir) }), edgeUrl);
}
