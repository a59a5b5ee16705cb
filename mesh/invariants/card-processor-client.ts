/** What the card processor's ledger lists (mesh/card-processor). */
export interface LedgerCharge {
  id: string;
  idempotencyKey: string;
  amount: number;
  currency: string;
  reference: string;
  status: string;
}

export interface LedgerRefund {
  id: string;
  chargeId: string;
  amount: number;
}

export interface ProcessorLedger {
  charges: LedgerCharge[];
  refunds: LedgerRefund[];
}

/** The fault switch's settings (mesh/card-processor/faults.ts). */
export type ProcessorFaults = Partial<{ latencyMs: number; failureRate: number; outage: boolean; declineAbove: number }>;

/** The card processor's HTTP API as the invariant checker and the workload use it: its ledger and its fault switch. */
export class CardProcessorClient {
  constructor(readonly baseUrl: string) {}

  async ledger(): Promise<ProcessorLedger> {
    return (await this.send('GET', '/v1/ledger')) as ProcessorLedger;
  }

  async setFaults(faults: ProcessorFaults): Promise<void> {
    await this.send('PUT', '/faults', faults);
  }

  private async send(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${this.baseUrl}${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as unknown;
  }
}
