import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '#kit/log/log.js';
import type { Faults } from '../faults.js';
import { Ledger, type Charge, type Refund } from '../ledger.js';
import { startCardProcessor, type RunningCardProcessor } from '../server.js';

/** A real card processor in this process, on a free port and a SQLite file of its own, for tests. */
export class RunningProcessor {
  private constructor(
    private readonly dir: string,
    private ledger: Ledger,
    private server: RunningCardProcessor,
  ) {}

  static async start(): Promise<RunningProcessor> {
    const dir = mkdtempSync(join(tmpdir(), 'card-processor-'));
    const ledger = new Ledger(join(dir, 'card-processor.sqlite'));
    return new RunningProcessor(dir, ledger, await startCardProcessor({ port: 0, ledger, log: createLogger('card-processor', 'silent') }));
  }

  get url(): string {
    return `http://127.0.0.1:${this.server.port}`;
  }

  async faults(faults: Faults): Promise<void> {
    const response = await fetch(`${this.url}/faults`, { method: 'PUT', body: JSON.stringify(faults) });
    if (!response.ok) throw new Error(`PUT /faults answered ${response.status}`);
  }

  async ledgerEntries(): Promise<{ charges: Charge[]; refunds: Refund[] }> {
    return (await (await fetch(`${this.url}/v1/ledger`)).json()) as { charges: Charge[]; refunds: Refund[] };
  }

  /** Stops and starts it again on the same port and file: what it charged must still be there. */
  async restart(): Promise<void> {
    const { port } = this.server;
    await this.server.close();
    this.ledger.close();
    this.ledger = new Ledger(join(this.dir, 'card-processor.sqlite'));
    this.server = await startCardProcessor({ port, ledger: this.ledger, log: createLogger('card-processor', 'silent') });
  }

  async stop(): Promise<void> {
    await this.server.close();
    this.ledger.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
