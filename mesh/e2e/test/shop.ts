import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '#kit/process/ports.js';
import { RestClient, RestError } from '../../invariants/rest-client.js';
import { LocalMesh, type LocalMeshOptions } from '../../local/local-mesh.js';
import { RouteTokens } from '../../tokens/route-tokens.js';
import { ShopTokens } from '../../tokens/shop-tokens.js';

/** The whole shop as a user meets it: the local mesh on free ports, called through its REST edge. */
export class Shop {
  private constructor(
    readonly mesh: LocalMesh,
    /** Every request carries the token of someone allowed to make it (mesh/tokens/route-tokens.ts). */
    readonly rest: RestClient,
    /** Tokens by role and by customer, from real grants against the mesh's token service. */
    readonly tokens: ShopTokens,
    private readonly dataDir: string,
    readonly logs: string[],
  ) {}

  static async open(options: Pick<LocalMeshOptions, 'replicas' | 'env' | 'supervise' | 'natsNodes' | 'databaseUrls' | 'runtime'> = {}): Promise<Shop> {
    const dataDir = mkdtempSync(join(tmpdir(), 'bookstore-e2e-'));
    const logs: string[] = [];
    const mesh = await LocalMesh.start({
      dataDir,
      ports: 'free',
      onLine: (label, line) => {
        logs.push(`${label} ${line}`);
        if (logs.length > 50_000) logs.splice(0, 10_000);
      },
      ...options,
      env: { LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'info', ...options.env },
    });
    const tokens = new ShopTokens({ issuer: mesh.authUrl, edgeUrl: mesh.edgeUrl, staffClientsFile: mesh.staffClientsFile });
    return new Shop(mesh, new RestClient(mesh.edgeUrl, new RouteTokens(tokens, mesh.edgeUrl).tokenFor), tokens, dataDir, logs);
  }

  /** Warnings and errors the services logged: printed when a test fails, to say why. */
  problems(limit = 40): string[] {
    return this.logs.filter((line) => /"level":"(warn|error|fatal)"/.test(line)).slice(-limit);
  }

  async close(): Promise<void> {
    await this.mesh.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Waits until `read` returns something `done` accepts (events travel), and returns it. */
  async eventually<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
    let last: T | undefined;
    let failure: unknown;
    await waitFor(
      async () => {
        try {
          last = await read();
        } catch (error) {
          failure = error;
          throw error;
        }
        return done(last);
      },
      () => `${what} (last seen: ${(JSON.stringify(last) as string | undefined)?.slice(0, 4_000) ?? 'nothing'}${failure instanceof Error ? `; last failure: ${failure.message}` : ''})`,
      timeoutMs,
      100,
    );
    return last as T;
  }

  /** The HTTP error a request fails with, with its ErrorInfo reason and BadRequest fields; fails the test if it succeeds. */
  static async refusal(request: Promise<unknown>): Promise<Refusal> {
    try {
      await request;
    } catch (error) {
      if (error instanceof RestError) {
        const body = error.body as { code?: number; message?: string; details?: { '@type'?: string; reason?: string; fieldViolations?: { field: string }[] }[] };
        const details = body.details ?? [];
        const reason = details.find((detail) => detail['@type'] === 'type.googleapis.com/google.rpc.ErrorInfo')?.reason;
        const fields = details.flatMap((detail) => detail.fieldViolations ?? []).map((violation) => violation.field);
        return { status: error.status, code: body.code ?? -1, message: body.message ?? '', reason, fields };
      }
      throw error;
    }
    throw new Error('the request succeeded but was expected to be refused');
  }
}

/** A replica's breaker to `callee` as its admin /metrics shows it: 0 closed, 1 open, 2 half-open. */
export async function breakerState(adminUrl: string, callee: string): Promise<number | undefined> {
  const metrics = await (await fetch(`${adminUrl}/metrics`)).text();
  const line = metrics.split('\n').find((entry) => entry.startsWith('bookstore_circuit_breaker_state{') && entry.includes(`callee="${callee}"`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

/**
 * One shop for the mocha suite this is called in: opened before its tests, its problems printed
 * when a test fails, closed after them. The returned function gives the open shop.
 */
export function shopForSuite(options: Parameters<typeof Shop.open>[0] = {}): () => Shop {
  let shop: Shop | undefined;
  before(async () => {
    shop = await Shop.open(options);
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(shop?.problems().join('\n'));
  });
  after(async () => {
    await shop?.close();
  });
  return () => {
    if (shop === undefined) throw new Error('the shop is not open yet');
    return shop;
  };
}

export interface Refusal {
  status: number;
  code: number;
  message: string;
  /** google.rpc.ErrorInfo's reason, when the body has one. */
  reason: string | undefined;
  /** The fields google.rpc.BadRequest names. */
  fields: string[];
}

/** JSON of a resource as the edge renders it (int64 as strings, enums by name). */
export type Json = Record<string, unknown>;

export const id = (resource: unknown): string => String((resource as Json).id);
export const field = (resource: unknown, name: string): unknown => (resource as Json)[name];
