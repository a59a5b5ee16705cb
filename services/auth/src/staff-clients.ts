import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { roleClaim, staffRoles } from './roles.js';

/** One staff system's OAuth client: its id is its role's claim ("courier"), its secret is random. */
export interface StaffClient {
  clientId: string;
  secret: string;
}

/**
 * The staff clients' secrets, kept in a JSON file (a Kubernetes Secret in a cluster; under the
 * local mesh's data folder on one machine, never committed). Created with fresh secrets when missing.
 */
export function staffClients(file: string): StaffClient[] {
  if (!existsSync(file)) {
    const clients = staffRoles.map((role) => ({ clientId: roleClaim(role), secret: randomBytes(32).toString('base64url') }));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(clients, null, 2)}\n`, { mode: 0o600 });
  }
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(parsed) || !parsed.every(isStaffClient)) throw new Error(`${file} is not a list of {clientId, secret}`);
  return parsed;
}

function isStaffClient(value: unknown): value is StaffClient {
  if (typeof value !== 'object' || value === null) return false;
  const { clientId, secret } = value as Record<string, unknown>;
  return typeof clientId === 'string' && typeof secret === 'string' && secret.length >= 16;
}
