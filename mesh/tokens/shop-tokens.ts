import { readFileSync } from 'node:fs';
import { customerToken, staffToken, TokenError } from './token-client.js';

/** The staff roles, each one OAuth client named after it (services/auth/src/roles.ts). */
export const staffRoleNames = ['book-manager', 'coupon-manager', 'courier', 'auditor'] as const;
export type StaffRole = (typeof staffRoleNames)[number];

export interface ShopTokensOptions {
  /** The token service's issuer URL. */
  issuer: string;
  /** The REST edge, where a customer's email is looked up (as the auditor) when not given. */
  edgeUrl: string;
  /** The staff clients' secrets the local token service made. */
  staffClientsFile: string;
}

/**
 * Access tokens for a shop on this machine, each from a real grant against its token service and
 * kept until shortly before it expires: staff roles by client credentials, customers by signing in.
 */
export class ShopTokens {
  private readonly cache = new Map<string, Promise<{ token: string; expiresAt: number }>>();

  constructor(private readonly options: ShopTokensOptions) {}

  staff(role: StaffRole): Promise<string> {
    return this.cached(role, () => {
      const secret = this.staffSecret(role);
      return staffToken(this.options.issuer, role, secret);
    });
  }

  /** A signed-in customer's token; their email is read from the shop when not given. */
  customer(customerId: string, email?: string): Promise<string> {
    return this.cached(`customer ${customerId}`, async () => customerToken(this.options.issuer, customerId, email ?? (await this.emailOf(customerId))));
  }

  private async emailOf(customerId: string): Promise<string> {
    const response = await fetch(`${this.options.edgeUrl}/customers/${encodeURIComponent(customerId)}`, {
      headers: { authorization: `Bearer ${await this.staff('auditor')}` },
      signal: AbortSignal.timeout(10_000),
    });
    const customer = (await response.json()) as { email?: string; message?: string };
    if (!response.ok) throw new TokenError(`customer ${customerId}: ${customer.message ?? response.status}`);
    if (customer.email === undefined || customer.email === '') throw new TokenError(`customer ${customerId} registered without an email, so cannot sign in`);
    return customer.email;
  }

  private staffSecret(role: StaffRole): string {
    const clients = JSON.parse(readFileSync(this.options.staffClientsFile, 'utf8')) as { clientId: string; secret: string }[];
    const client = clients.find((candidate) => candidate.clientId === role);
    if (client === undefined) throw new TokenError(`no client ${role} in ${this.options.staffClientsFile}`);
    return client.secret;
  }

  private async cached(key: string, obtain: () => Promise<string>): Promise<string> {
    const held = this.cache.get(key);
    if (held !== undefined) {
      const { token, expiresAt } = await held.catch(() => ({ token: '', expiresAt: 0 }));
      if (expiresAt > Date.now()) return token;
    }
    const fresh = obtain().then((token) => ({ token, expiresAt: expiryOf(token) - 30_000 }));
    this.cache.set(key, fresh);
    fresh.catch(() => this.cache.delete(key));
    return (await fresh).token;
  }
}

/** A JWT's `exp` in epoch ms (read only to know when to ask again; the edges verify it). */
function expiryOf(token: string): number {
  const [, payload = ''] = token.split('.');
  const { exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: number };
  return typeof exp === 'number' ? exp * 1000 : 0;
}
