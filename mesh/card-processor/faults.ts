/**
 * The card processor's fault switch: what `PUT /faults` turns on so anyone can watch payment's
 * breaker and its PENDING fallback work. `{}` heals everything.
 */
export interface Faults {
  /** Every call waits this long before it is processed (a charge still lands after the wait). */
  latencyMs?: number;
  /** This share of calls (0..1) fails with 500 before anything is written. */
  failureRate?: number;
  /** Every call fails with 503 at once. */
  outage?: boolean;
  /** Charges of more than this amount (minor units) are declined. */
  declineAbove?: number;
}

/** The faults of a JSON body, or a message naming the field that is wrong. */
export function parseFaults(body: unknown): Faults | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body: must be a JSON object';
  const faults: Faults = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    switch (key) {
      case 'latencyMs':
        if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > 600_000) return 'latencyMs: must be a whole number of milliseconds 0..600000';
        faults.latencyMs = value as number;
        break;
      case 'failureRate':
        if (typeof value !== 'number' || value < 0 || value > 1) return 'failureRate: must be a number 0..1';
        faults.failureRate = value;
        break;
      case 'outage':
        if (typeof value !== 'boolean') return 'outage: must be true or false';
        faults.outage = value;
        break;
      case 'declineAbove':
        if (!Number.isSafeInteger(value) || (value as number) < 0) return 'declineAbove: must be a whole number of minor units >= 0';
        faults.declineAbove = value as number;
        break;
      default:
        return `${key}: unknown fault (latencyMs, failureRate, outage, declineAbove)`;
    }
  }
  return faults;
}
