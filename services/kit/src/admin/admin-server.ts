import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, register } from 'prom-client';
import type { Logger } from '../log/log.js';
import { becomeZombie, isZombie } from './faults.js';

export interface Readiness {
  ok: boolean;
  /** What was checked and how it went: true, or what is wrong. */
  checks: Record<string, boolean | string>;
  /** What is reported but not required to serve, in the same words: true, or what is wrong. */
  informational?: Record<string, boolean | string>;
}

export interface AdminServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** Defaults to every interface, as kubelet and Prometheus need. */
  host?: string;
  readiness: () => Promise<Readiness>;
  /** Serve POST /faults/zombie (faults.ts); never in production. */
  faultsEnabled?: boolean;
  log: Logger;
}

export interface AdminServer {
  /** The port actually bound. */
  port: number;
  /** From now on /readyz answers 503, whatever the checks say: the first step of a shutdown. */
  markNotReady(): void;
  close(): Promise<void>;
}

let defaultMetricsCollected = false;

/** Liveness, readiness and Prometheus metrics on a port of their own, away from gRPC traffic. */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const { host = '0.0.0.0', readiness } = options;
  const log = options.log.child({ component: 'admin' });
  if (!defaultMetricsCollected) {
    collectDefaultMetrics();
    defaultMetricsCollected = true;
  }
  let shuttingDown = false;

  const routes: Record<string, () => Promise<Answer>> = {
    '/livez': () => Promise.resolve(isZombie() ? zombieAnswer : { status: 200, type: 'text/plain', body: 'ok\n' }),
    '/readyz': async () => {
      if (isZombie()) return zombieAnswer;
      const result = shuttingDown ? { ok: false, checks: { shutdown: 'in progress' } } : await checkReadiness(readiness);
      return { status: result.ok ? 200 : 503, type: 'application/json', body: JSON.stringify(result) };
    },
    '/metrics': async () => ({ status: 200, type: register.contentType, body: await register.metrics() }),
  };

  const server = createServer((request, response) => {
    if (options.faultsEnabled === true && request.method === 'POST' && request.url === '/faults/zombie') {
      log.warn('fault injected: this process is a zombie now (liveness fails, gRPC calls are not answered)');
      becomeZombie();
      send(response, { status: 202, type: 'text/plain', body: 'zombie\n' });
      return;
    }
    void answer(request, routes).then((reply) => { send(response, reply); }, (error: unknown) => {
      log.error({ err: error, url: request.url }, 'admin request failed');
      send(response, { status: 500, type: 'text/plain', body: 'internal error\n' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  log.info({ host, port }, 'admin server listening');

  return {
    port,
    markNotReady() {
      shuttingDown = true;
    },
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => {
          if (error === undefined) resolve();
          else reject(error);
        });
        server.closeAllConnections();
      }),
  };
}

interface Answer {
  status: number;
  type: string;
  body: string;
}

const zombieAnswer: Answer = { status: 503, type: 'text/plain', body: 'zombie (fault injected through POST /faults/zombie)\n' };

function answer(request: IncomingMessage, routes: Record<string, () => Promise<Answer>>): Promise<Answer> {
  const route = routes[new URL(request.url ?? '/', 'http://admin').pathname];
  if (route === undefined) return Promise.resolve({ status: 404, type: 'text/plain', body: 'not found\n' });
  if (request.method !== 'GET' && request.method !== 'HEAD') return Promise.resolve({ status: 405, type: 'text/plain', body: 'method not allowed\n' });
  return route();
}

async function checkReadiness(readiness: () => Promise<Readiness>): Promise<Readiness> {
  try {
    return await readiness();
  } catch (error) {
    return { ok: false, checks: { readiness: error instanceof Error ? error.message : String(error) } };
  }
}

function send(response: ServerResponse, { status, type, body }: Answer): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
}
