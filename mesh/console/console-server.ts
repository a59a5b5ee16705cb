import { readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Scraper } from './scraper.js';
import type { Target } from './targets.js';

export interface ConsoleOptions {
  /** 0 picks a free port. */
  port: number;
  /** The replicas to watch, asked again at every scrape. */
  targets: () => readonly Target[];
  /** The local trace store's base URL (GET /api/traces?orderId=); without one the search says so. */
  tracesUrl: string | undefined;
  /** 2 s unless told. */
  scrapeIntervalMs?: number;
  /** Rates and p99 over the last 20 s unless told. */
  windowMs?: number;
}

export interface Console {
  url: string;
  close(): Promise<void>;
}

const pageDir = join(import.meta.dirname, 'page');
const pages: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
  '/console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
};

/**
 * The local console on 127.0.0.1: one page (page/, plain HTML, CSS and JavaScript) that polls
 * GET /api/overview (the services and replicas, from the scraper) and, for an order id, GET
 * /api/traces?orderId= (passed on to the trace store, so the page needs one address only).
 */
export async function startConsole(options: ConsoleOptions): Promise<Console> {
  const scraper = new Scraper(options.targets, { intervalMs: options.scrapeIntervalMs ?? 2_000, windowMs: options.windowMs ?? 20_000 });
  const files = Object.fromEntries(Object.entries(pages).map(([path, { file, type }]) => [path, { type, body: readFileSync(join(pageDir, file)) }]));
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://console');
    if (request.method !== 'GET') {
      send(response, 405, 'text/plain', 'GET only\n');
      return;
    }
    const file = files[url.pathname];
    if (file !== undefined) {
      send(response, 200, file.type, file.body);
      return;
    }
    if (url.pathname === '/api/overview') {
      sendJson(response, 200, scraper.overview());
      return;
    }
    if (url.pathname === '/api/traces') {
      void traces(options.tracesUrl, url.searchParams.get('orderId') ?? '').then(({ status, body }) => {
        sendJson(response, status, body);
      });
      return;
    }
    send(response, 404, 'text/plain', 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  scraper.start();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      scraper.stop();
      await closeServer(server);
    },
  };
}

/** The trace store's answer for an order, or why there is none, as { error }. */
async function traces(tracesUrl: string | undefined, orderId: string): Promise<{ status: number; body: unknown }> {
  if (!/^[1-9]\d{0,18}$/.test(orderId)) return { status: 400, body: { error: 'an order id is a whole number from 1' } };
  if (tracesUrl === undefined) return { status: 503, body: { error: 'this mesh keeps no traces' } };
  try {
    const response = await fetch(`${tracesUrl}/api/traces?orderId=${orderId}`, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) return { status: 502, body: { error: `the trace store answered ${response.status}` } };
    return { status: 200, body: await response.json() };
  } catch {
    return { status: 502, body: { error: 'the trace store does not answer' } };
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  send(response, status, 'application/json', JSON.stringify(body));
}

function send(response: ServerResponse, status: number, type: string, body: string | Buffer): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => {
      if (error === undefined) resolve();
      else reject(error);
    });
    server.closeAllConnections();
  });
}
