import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '#kit/log/log.js';
import { listen } from '#kit/process/ports.js';
import { parseFaults, type Faults } from './faults.js';
import type { Charge, Ledger } from './ledger.js';

export interface CardProcessorOptions {
  port: number;
  host?: string;
  ledger: Ledger;
  log: Logger;
}

export interface RunningCardProcessor {
  port: number;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: unknown;
}

const amountMax = Number.MAX_SAFE_INTEGER;

/**
 * The card processor, an external system in the style of real ones (HTTP JSON, an Idempotency-Key
 * header on every charge and refund):
 *   POST /v1/charges {amount, currency, reference}     201 charged, 402 declined, 200 a replay of the key
 *   GET  /v1/charges/{id}, GET /v1/charges?idempotencyKey=K
 *   POST /v1/charges/{id}/refunds                       201 refunded, 200 refunded before
 *   GET  /v1/ledger                                     what it charged and refunded (never faulty)
 *   PUT  /faults, GET /faults                           the fault switch (faults.ts); never faulty itself
 *   GET  /healthz
 */
export async function startCardProcessor(options: CardProcessorOptions): Promise<RunningCardProcessor> {
  const { ledger, log } = options;
  let faults: Faults = {};

  const chargeReply = (charge: Charge, created: boolean): Reply => ({
    status: charge.status === 'declined' ? 402 : created ? 201 : 200,
    body: charge,
  });

  const createCharge = (request: IncomingMessage, body: unknown): Reply => {
    const key = idempotencyKey(request);
    if (key === undefined) return problem(400, 'Idempotency-Key: header required (1..200 characters)');
    const { amount, currency, reference } = (body ?? {}) as Record<string, unknown>;
    if (!Number.isSafeInteger(amount) || (amount as number) < 0 || (amount as number) > amountMax) return problem(400, 'amount: must be a whole number of minor units >= 0');
    if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) return problem(400, 'currency: must be an ISO 4217 code');
    if (typeof reference !== 'string' || reference.length > 200) return problem(400, 'reference: must be a string of at most 200 characters');
    const earlier = ledger.chargeByKey(key);
    if (earlier !== undefined && (earlier.amount !== amount || earlier.currency !== currency)) {
      return problem(409, `Idempotency-Key ${key} was used for a charge of ${earlier.amount} ${earlier.currency}`);
    }
    const declined = faults.declineAbove !== undefined && (amount as number) > faults.declineAbove;
    const { charge, created } = ledger.addCharge({
      idempotencyKey: key,
      amount: amount as number,
      currency,
      reference,
      status: declined ? 'declined' : 'succeeded',
      declineReason: declined ? `amount above the card's limit of ${String(faults.declineAbove)}` : '',
    });
    if (created) log.info({ charge: charge.id, key, amount, status: charge.status }, `charge ${charge.id} ${charge.status}`);
    return chargeReply(charge, created);
  };

  const refund = (request: IncomingMessage, chargeId: string): Reply => {
    const key = idempotencyKey(request);
    if (key === undefined) return problem(400, 'Idempotency-Key: header required (1..200 characters)');
    const charge = ledger.charge(chargeId);
    if (charge === undefined) return problem(404, `charge ${chargeId} not found`);
    if (charge.status !== 'succeeded') return problem(409, `charge ${chargeId} was declined; there is nothing to refund`);
    const { refund: made, created } = ledger.addRefund(charge, key);
    if (created) log.info({ charge: charge.id, refund: made.id, amount: made.amount }, `refund ${made.id} of ${charge.id}`);
    return { status: created ? 201 : 200, body: made };
  };

  const ledgerReply = (): Reply => {
    const { charges, refunds } = ledger.ledger();
    const total = (items: readonly { amount: number }[]): number => items.reduce((sum, item) => sum + item.amount, 0);
    return { status: 200, body: { charges, refunds, chargedTotal: total(charges), refundedTotal: total(refunds) } };
  };

  const processorCall = async (request: IncomingMessage, url: URL, body: unknown): Promise<Reply> => {
    if (faults.outage === true) return problem(503, 'the card processor is down (fault switch: outage)');
    if (faults.latencyMs !== undefined && faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
    if (faults.failureRate !== undefined && Math.random() < faults.failureRate) return problem(500, 'the card processor failed (fault switch: failureRate)');
    const path = url.pathname;
    if (request.method === 'POST' && path === '/v1/charges') return createCharge(request, body);
    if (request.method === 'GET' && path === '/v1/charges') {
      const charge = ledger.chargeByKey(url.searchParams.get('idempotencyKey') ?? '');
      return charge === undefined ? problem(404, 'no charge with that idempotencyKey') : { status: 200, body: charge };
    }
    const refundMatch = /^\/v1\/charges\/([\w-]+)\/refunds$/.exec(path);
    if (request.method === 'POST' && refundMatch?.[1] !== undefined) return refund(request, refundMatch[1]);
    const chargeMatch = /^\/v1\/charges\/([\w-]+)$/.exec(path);
    if (request.method === 'GET' && chargeMatch?.[1] !== undefined) {
      const charge = ledger.charge(chargeMatch[1]);
      return charge === undefined ? problem(404, `charge ${chargeMatch[1]} not found`) : { status: 200, body: charge };
    }
    return problem(404, `${String(request.method)} ${path}: no such endpoint`);
  };

  const route = async (request: IncomingMessage, body: unknown): Promise<Reply> => {
    const url = new URL(request.url ?? '/', 'http://processor');
    if (url.pathname === '/healthz') return { status: 200, body: { ok: true } };
    // The ledger is the operator's view (and the invariant checker's), not the API payment calls: no faults.
    if (request.method === 'GET' && url.pathname === '/v1/ledger') return ledgerReply();
    if (url.pathname === '/faults') {
      if (request.method === 'GET') return { status: 200, body: faults };
      if (request.method !== 'PUT') return problem(405, '/faults: GET or PUT');
      const parsed = parseFaults(body);
      if (typeof parsed === 'string') return problem(400, parsed);
      faults = parsed;
      log.warn({ faults }, Object.keys(faults).length === 0 ? 'faults healed' : 'faults switched on');
      return { status: 200, body: faults };
    }
    return processorCall(request, url, body);
  };

  const server = createServer((request, response) => {
    void readJson(request)
      .then((body) => (body instanceof SyntaxError ? problem(400, `body: not JSON (${body.message})`) : route(request, body)))
      .then(
        (reply) => { send(response, reply); },
        (error: unknown) => {
          log.error({ err: error, url: request.url }, 'card processor request failed');
          send(response, problem(500, 'internal error'));
        },
      );
  });
  await listen(server, options.port, options.host ?? '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  log.info({ port }, `card processor listening on ${String(port)}`);
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => { resolve(); });
        server.closeAllConnections();
      }),
  };
}

const problem = (status: number, message: string): Reply => ({ status, body: { error: { message } } });

function idempotencyKey(request: IncomingMessage): string | undefined {
  const key = request.headers['idempotency-key'];
  return typeof key === 'string' && key.length > 0 && key.length <= 200 ? key : undefined;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return error;
  }
}

/** One request per connection: a client never holds a socket that a restart of the processor closed. */
function send(response: ServerResponse, reply: Reply): void {
  response.writeHead(reply.status, { 'content-type': 'application/json', connection: 'close' });
  response.end(`${JSON.stringify(reply.body)}\n`);
}

