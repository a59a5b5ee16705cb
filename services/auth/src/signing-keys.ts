import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

/** Access tokens are signed with ES256 (ECDSA P-256): asymmetric, small, what jwt_authn and Istio read. */
export const signingAlgorithm = 'ES256';

export interface SigningKey extends JWK {
  kid: string;
  /** When this key was made (epoch ms): rotation orders keys by it. */
  created: number;
}

/**
 * The token service's signing keys, newest first, in a JSON file (a Secret in a cluster). The
 * newest signs; the older ones stay published in the JWKS so tokens they signed verify until they
 * expire (rotation with overlap).
 */
export function loadSigningKeys(file: string): SigningKey[] {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every(isSigningKey)) throw new Error(`${file} holds no signing keys`);
  return [...parsed].sort((a, b) => b.created - a.created);
}

/**
 * Adds a new signing key in front and keeps `keep` keys in all, so the previous key stays published
 * for tokens it signed. Creates the file with one key when missing. Returns the keys, newest first.
 */
export async function rotateSigningKeys(file: string, keep: number, now = Date.now()): Promise<SigningKey[]> {
  const existing = existsSync(file) ? loadSigningKeys(file) : [];
  const keys = [await newSigningKey(now), ...existing].slice(0, Math.max(1, keep));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  return keys;
}

/** The keys in the file; when there is none yet, a first one. */
export async function signingKeys(file: string, keep: number): Promise<SigningKey[]> {
  return existsSync(file) ? loadSigningKeys(file) : rotateSigningKeys(file, keep);
}

async function newSigningKey(now: number): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair(signingAlgorithm, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: `${new Date(now).toISOString().slice(0, 19).replaceAll(':', '')}-${crypto.randomUUID().slice(0, 8)}`, alg: signingAlgorithm, use: 'sig', created: now };
}

function isSigningKey(value: unknown): value is SigningKey {
  if (typeof value !== 'object' || value === null) return false;
  const { kid, created, kty, d } = value as Record<string, unknown>;
  return typeof kid === 'string' && typeof created === 'number' && kty === 'EC' && typeof d === 'string';
}
