import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Metadata } from '@grpc/grpc-js';
import { CatalogServiceClient } from '#contracts/catalog/v1/catalog.js';
import { MyPageServiceClient, type GetMyPageResponse } from '#contracts/mypage/v1/mypage.js';
import { OrderServiceClient, type Order, type PlaceOrderRequest } from '#contracts/order/v1/order.js';
import { clientCredentials } from '#kit/grpc/mutual-tls.js';
import { createPostgresDatabase, type TestDatabase } from '#kit-testing/postgres.js';
import { callWithMetadata } from '#kit-testing/verified-claims.js';
import { RestClient } from '../../invariants/rest-client.js';
import type { Runtime } from '../../local/entries.js';
import { LocalMesh } from '../../local/local-mesh.js';
import { RouteTokens } from '../../tokens/route-tokens.js';
import { ShopTokens } from '../../tokens/shop-tokens.js';
import { httpJson } from '../support/http-get.js';
import type { TreeSample } from './processes.js';
import { sampleTrees } from './processes.js';

/** Clients of the shop under load: each its own caller at the edge (its rate-limit bucket: address or customer). */
export const clients = 16;
/** Customers the edge's order load spreads over: each a caller with a bucket of its own at the edge. */
const customers = 32;

export interface BenchCustomer {
  id: number;
  token: string;
}

/**
 * The whole shop as `make bench` drives it: the local mesh on free ports in a data folder of its
 * own (order on a fresh PostgreSQL database, the rest on SQLite), a book with stock for every
 * order, customers signed in, and clients of each way in: gRPC as the edge (mutual TLS, no
 * claims: trusted as the mesh's own caller) and REST through the edge with real tokens.
 */
export class ShopUnderBench {
  /** Lines of one label as they come (e.g. my page's while it rebuilds). */
  lineListener: ((label: string, line: string) => void) | undefined;
  /** The book every order is for, and the signed-in customers: seed() makes them. */
  bookId = 0;
  customers: readonly BenchCustomer[] = [];
  private requestCount = 0;

  private constructor(
    readonly mesh: LocalMesh,
    readonly readyMs: number,
    private readonly dataDir: string,
    private readonly orderDatabase: TestDatabase,
    private readonly nats: NatsConnection,
    readonly jsm: JetStreamManager,
    readonly order: OrderServiceClient,
    readonly catalog: CatalogServiceClient,
    readonly myPage: MyPageServiceClient,
    /** One keep-alive agent per client, each from a loopback address of its own (a caller of its own at the edge). */
    readonly agents: readonly Agent[],
  ) {}

  /**
   * The mesh started and ready, `runtime` as `make dev` (compiled) or as the tests run it (tsx);
   * nothing in it yet. `env` goes to every process (NODE_OPTIONS for `make profile`, say).
   */
  static async start(runtime: Runtime, env: Readonly<Record<string, string>> = {}): Promise<ShopUnderBench> {
    const dataDir = mkdtempSync(join(tmpdir(), 'bookstore-bench-'));
    const orderDatabase = await createPostgresDatabase('bench_shop_order');
    let mesh: LocalMesh | undefined;
    let shop: ShopUnderBench | undefined;
    try {
      const started = performance.now();
      const lineOf = { listener: undefined as ((label: string, line: string) => void) | undefined };
      mesh = await LocalMesh.start({
        dataDir,
        ports: 'free',
        runtime,
        databaseUrls: { order: orderDatabase.url },
        env,
        onLine: (label, line) => { lineOf.listener?.(label, line); },
      });
      const readyMs = performance.now() - started;
      const nats = await connect({ servers: mesh.natsUrl, name: 'bench-shop' });
      const tls = clientCredentials(mesh.tlsFiles('edge'));
      shop = new ShopUnderBench(
        mesh,
        readyMs,
        dataDir,
        orderDatabase,
        nats,
        await jetstreamManager(nats),
        new OrderServiceClient(mesh.grpcAddress('order'), tls),
        new CatalogServiceClient(mesh.grpcAddress('catalog'), tls),
        new MyPageServiceClient(mesh.grpcAddress('mypage'), tls),
        Array.from({ length: clients }, (_, index) => new Agent({ keepAlive: true, maxSockets: 1, localAddress: `127.0.0.${index + 2}` })),
      );
      const listening = shop;
      lineOf.listener = (label, line) => { listening.lineListener?.(label, line); };
      return shop;
    } catch (error) {
      await mesh?.stop();
      await orderDatabase.drop();
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** A book with stock for every order, and customers signed in through the token service. */
  async seed(): Promise<void> {
    const tokens = new ShopTokens({ issuer: this.mesh.authUrl, edgeUrl: this.mesh.edgeUrl, staffClientsFile: this.mesh.staffClientsFile });
    const rest = new RestClient(this.mesh.edgeUrl, new RouteTokens(tokens, this.mesh.edgeUrl).tokenFor);
    const book = (await rest.post('/books', { bookName: 'Bench Book', stock: 100_000_000, price: 1_000 })) as { id: string };
    const signedIn: BenchCustomer[] = [];
    for (let index = 0; index < customers; index += 1) {
      const email = `bench-${index}-${Date.now()}@example.com`;
      const customer = (await rest.post('/customers', { name: `Bench customer ${index}`, email })) as { id: string };
      signedIn.push({ id: Number(customer.id), token: await tokens.customer(customer.id, email) });
    }
    this.bookId = Number(book.id);
    this.customers = signedIn;
  }

  /** An order as a client asks for it; its own request id, so a retry would be safe. */
  orderRequest(customerId: number): PlaceOrderRequest {
    this.requestCount += 1;
    return { customerId, bookId: this.bookId, quantity: 1, deliveryAddress: '1 Bench Street', requestId: `bench-${process.pid}-${this.requestCount}` };
  }

  customerOf(turn: number): BenchCustomer {
    const customer = this.customers[turn % this.customers.length];
    if (customer === undefined) throw new Error('no customers signed in');
    return customer;
  }

  placeOrderGrpc(customerId: number): Promise<Order> {
    return callWithMetadata(this.order.placeOrder.bind(this.order), this.orderRequest(customerId), new Metadata());
  }

  placeOrderRest(client: number, customer: BenchCustomer): Promise<unknown> {
    return httpJson(this.agentOf(client), 'POST', `${this.mesh.edgeUrl}/orders`, this.orderRequest(customer.id), customer.token);
  }

  getBookRest(client: number): Promise<unknown> {
    return httpJson(this.agentOf(client), 'GET', `${this.mesh.edgeUrl}/books/${this.bookId}`, undefined);
  }

  myPageOf(customerId: number): Promise<GetMyPageResponse> {
    return callWithMetadata(this.myPage.getMyPage.bind(this.myPage), { customerId, pageSize: 1, pageToken: '' }, new Metadata());
  }

  /** The admin URL of every service replica, where the outbox backlog is read. */
  get adminUrls(): string[] {
    return this.mesh.processes().flatMap((one) => {
      const name = one.spec.label;
      return this.mesh.replicaCount(name) > 0 ? [this.mesh.adminUrl(name)] : [];
    });
  }

  /** Memory and CPU of every process of the mesh (nats-server and the card processor's stand-in too). */
  sample(): TreeSample[] {
    return sampleTrees([
      ...this.mesh.processes().map((one) => ({ label: one.spec.label, pid: one.pid })),
      { label: 'card-processor', pid: this.mesh.externalProcess('card-processor').pid },
      ...this.mesh.natsNodes.map((node, index) => ({ label: index === 0 ? 'nats-server' : `nats-server-${index + 1}`, pid: node.pid })),
    ]);
  }

  async close(): Promise<void> {
    for (const agent of this.agents) agent.destroy();
    for (const client of [this.order, this.catalog, this.myPage]) client.close();
    await this.nats.drain();
    await this.mesh.stop();
    await this.orderDatabase.drop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private agentOf(client: number): Agent {
    const agent = this.agents[client % this.agents.length];
    if (agent === undefined) throw new Error('no agents');
    return agent;
  }
}
