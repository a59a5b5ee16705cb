import { readConfig } from '#kit/config/config.js';
import { staffClientsFile } from '../local/local-mesh.js';
import { authPort, edgePort } from '../policy/services.js';
import { ShopTokens, staffRoleNames, type StaffRole } from './shop-tokens.js';

/**
 * `make token`: prints one access token from a real grant against the running `make dev`.
 *   ROLE=book-manager | coupon-manager | courier | auditor       client credentials
 *   ROLE=customer CUSTOMER=<id> [EMAIL=<the email they registered>]   the device sign-in
 */
const config = readConfig((env) => ({
  role: env.oneOf('ROLE', [...staffRoleNames, 'customer'] as const, 'customer'),
  customer: env.optionalString('CUSTOMER'),
  email: env.optionalString('EMAIL'),
  dataDir: env.string('MESH_DATA_DIR', '.data'),
  issuer: env.string('AUTH_URL', `http://127.0.0.1:${authPort}`),
  edgeUrl: env.string('EDGE_URL', `http://127.0.0.1:${edgePort}`),
}));

const tokens = new ShopTokens({ issuer: config.issuer, edgeUrl: config.edgeUrl, staffClientsFile: staffClientsFile(config.dataDir) });
try {
  const token = config.role === 'customer' ? await customerTokenOf(config.customer, config.email) : await tokens.staff(config.role satisfies StaffRole);
  process.stdout.write(`${token}\n`);
} catch (error) {
  process.stderr.write(`make token: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

function customerTokenOf(customer: string | undefined, email: string | undefined): Promise<string> {
  if (customer === undefined) throw new Error(`say whose token: ROLE=${staffRoleNames.join('|')}, or ROLE=customer CUSTOMER=<id>`);
  return tokens.customer(customer, email);
}
