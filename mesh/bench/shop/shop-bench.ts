import { Metadata } from '@grpc/grpc-js';
import { OrderServiceClient } from '#contracts/order/v1/order.js';
import { clientCredentials } from '#kit/grpc/mutual-tls.js';
import { routedName } from '#kit/events/routes.js';
import { eventStream } from '#kit/events/streams.js';
import { NatsServer } from '#kit/process/nats-server.js';
import { createPostgresDatabase } from '#kit-testing/postgres.js';
import type { Runtime } from '../../local/entries.js';
import { rawGetBook } from '#kit-testing/grpc-probes.js';
import { callWithMetadata } from '#kit-testing/verified-claims.js';
import { drain, readBacklog, backlogSize, type Backlog } from './backlog.js';
import { closedLoop, type LoadOutcome } from './closed-loop.js';
import { startMinimalPipeline, type PipelineProcess } from './pipeline-process.js';
import { cpuBetween, sampleTrees, type TreeSample } from './processes.js';
import { latencyOf, rawCatchUp, rawPublishToConsume, type LatencyOutcome } from './raw-events.js';
import { clients, ShopUnderBench } from './shop-under-bench.js';

/** How long each part of the whole-shop bench runs; the test runs a tiny plan. */
export interface ShopPlan {
  /** Each order load: the minimal pipeline, PlaceOrder over gRPC, POST /orders through the edge. */
  orderLoadSeconds: number;
  /** Each side of GetBook, REST and gRPC. */
  readLoadSeconds: number;
  /** Orders placed one at a time until they show on my page, and raw events published one at a time. */
  visibilitySamples: number;
  /** Orders placed while delivery is down, for it to catch up on. */
  backlogLoadSeconds: number;
  /** Quiet time after the start before the idle memory is read. */
  settleSeconds: number;
  /** How the measured mesh runs: compiled, as `make dev` (needs `make build`), or through tsx (the test, no build needed). */
  runtime: Runtime;
  /** First start the mesh through tsx too, for its ready time and idle memory beside the compiled one's. */
  compareTsx: boolean;
}

export const fullShopPlan: ShopPlan = { orderLoadSeconds: 8, readLoadSeconds: 4, visibilitySamples: 200, backlogLoadSeconds: 4, settleSeconds: 3, runtime: 'compiled', compareTsx: true };

const drainTimeoutMs = 120_000;

/** Measured by the whole-shop bench, kept in the run's history file. */
export interface ShopMeasures {
  readyMs: number;
  idle: TreeSample[];
  /** The same start through tsx, when the plan asks for it. */
  tsx: { readyMs: number; idle: TreeSample[] } | undefined;
  afterLoad: TreeSample[];
  pipeline: LoadOutcome;
  grpcOrders: OrderLoad;
  restOrders: OrderLoad;
  restGetBook: LoadOutcome;
  grpcGetBook: LoadOutcome;
  /** From sending PlaceOrder; `afterAnswer` from its answer, the event path's part. */
  visibility: LatencyOutcome & { placeP50Ms: number; afterAnswer: LatencyOutcome };
  rawVisibility: LatencyOutcome;
  deliveryCatchUp: { events: number; eventsPerSec: number };
  myPageRebuild: { events: number; eventsPerSec: number };
  rawCatchUpPerSec: number;
  /** CPU ms per order, by process: the minimal pipeline's, and the shop's for each order load (drain included). */
  cpuPerOrder: { pipeline: Record<string, number>; grpc: Record<string, number>; rest: Record<string, number> };
}

export interface OrderLoad extends LoadOutcome {
  drainMs: number;
  /** What the consumers and outboxes held when the load stopped. */
  backlogAtEnd: number;
  /** Orders a second over the load and the drain after it: what the shop sustains with every consumer keeping up. */
  sustainedPerSec: number;
}

/**
 * The whole shop against its baselines in one run (issue 10): starts the local mesh on free ports
 * (order on a fresh PostgreSQL database, the rest on SQLite) and the minimal pipeline beside it.
 */
export async function measureShop(plan: ShopPlan, log: (line: string) => void): Promise<ShopMeasures> {
  let tsx: ShopMeasures['tsx'];
  if (plan.compareTsx) {
    log('whole shop: starting the local mesh through tsx ...');
    const throughTsx = await ShopUnderBench.start('tsx');
    try {
      tsx = { readyMs: throughTsx.readyMs, idle: await idleSample(throughTsx, plan) };
    } finally {
      await throughTsx.close();
    }
  }
  log(`whole shop: starting the local mesh (${plan.runtime}) ...`);
  const shop = await ShopUnderBench.start(plan.runtime);
  const pipelineNats = await NatsServer.start();
  const pipelineDatabase = await createPostgresDatabase('bench_pipeline');
  let pipeline: PipelineProcess | undefined;
  try {
    const idle = await idleSample(shop, plan);
    await shop.seed();
    pipeline = await startMinimalPipeline({ databaseUrl: pipelineDatabase.url, natsUrl: pipelineNats.url, tls: shop.mesh.tlsFiles('order') });
    const pipelineClient = new OrderServiceClient(pipeline.address, clientCredentials(shop.mesh.tlsFiles('edge')));
    const pipelineRoots = [{ label: 'minimal pipeline', pid: pipeline.pid }, { label: 'nats-server', pid: pipelineNats.pid }];
    let turn = 0;
    const pipelineOrder = (): Promise<unknown> => callWithMetadata(pipelineClient.placeOrder.bind(pipelineClient), shop.orderRequest(1), new Metadata());
    const grpcOrder = (): Promise<unknown> => shop.placeOrderGrpc(shop.customerOf(turn++).id);
    const restOrder = (client: number): Promise<unknown> => shop.placeOrderRest(client, shop.customerOf(turn++));

    log('whole shop: warming up ...');
    await closedLoop(1, clients, pipelineOrder);
    await closedLoop(1, clients, grpcOrder);
    await closedLoop(1, clients, restOrder);
    await drained(shop);

    log('whole shop: order loads ...');
    const pipelineRun = await withCpu(() => sampleTrees(pipelineRoots), () => closedLoop(plan.orderLoadSeconds, clients, pipelineOrder));
    const pipelineLoad = pipelineRun.result;
    const pipelineCpu = perOrder(pipelineRun.cpu, pipelineLoad.ops);
    const grpcOrders = await orderLoad(shop, plan.orderLoadSeconds, grpcOrder);
    const restOrders = await orderLoad(shop, plan.orderLoadSeconds, restOrder);
    pipelineClient.close();

    log('whole shop: GetBook ...');
    const restGetBook = await closedLoop(plan.readLoadSeconds, clients, (client) => shop.getBookRest(client));
    const grpcGetBook = await closedLoop(plan.readLoadSeconds, clients, () => rawGetBook(shop.catalog, { id: shop.bookId }));
    const afterLoad = shop.sample();

    log('whole shop: order -> my page, one at a time ...');
    const visibility = await orderToMyPage(shop, plan.visibilitySamples);
    const rawVisibility = await rawPublishToConsume(pipelineNats.url, plan.visibilitySamples);

    log('whole shop: catching up ...');
    const deliveryCatchUp = await deliveryCatchesUp(shop, plan.backlogLoadSeconds, grpcOrder);
    const myPageRebuild = await myPageRebuilds(shop);
    const streamed = (await shop.jsm.streams.info(eventStream)).state.messages;
    const rawCatchUpPerSec = await rawCatchUp(shop.mesh.natsUrl, eventStream, streamed);

    return {
      readyMs: shop.readyMs,
      idle,
      tsx,
      afterLoad,
      pipeline: pipelineLoad,
      grpcOrders: grpcOrders.load,
      restOrders: restOrders.load,
      restGetBook,
      grpcGetBook,
      visibility,
      rawVisibility,
      deliveryCatchUp,
      myPageRebuild,
      rawCatchUpPerSec,
      cpuPerOrder: { pipeline: pipelineCpu, grpc: grpcOrders.cpu, rest: restOrders.cpu },
    };
  } finally {
    await pipeline?.stop();
    await pipelineNats.stop();
    await pipelineDatabase.drop();
    await shop.close();
  }
}

async function idleSample(shop: ShopUnderBench, plan: ShopPlan): Promise<TreeSample[]> {
  await new Promise((resolve) => setTimeout(resolve, plan.settleSeconds * 1000));
  return shop.sample();
}

/** An order load, then the wait until every consumer and outbox has caught up; CPU per order over both. */
async function orderLoad(shop: ShopUnderBench, seconds: number, order: (client: number) => Promise<unknown>): Promise<{ load: OrderLoad; cpu: Record<string, number> }> {
  const { result: { load, drainedAfter }, cpu } = await withCpu(
    () => shop.sample(),
    async () => {
      const outcome = await closedLoop(seconds, clients, order);
      return { load: outcome, drainedAfter: await drained(shop) };
    },
  );
  return {
    load: { ...load, drainMs: drainedAfter.ms, backlogAtEnd: backlogSize(drainedAfter.atStart), sustainedPerSec: load.ops / (load.seconds + drainedAfter.ms / 1000) },
    cpu: perOrder(cpu, load.ops),
  };
}

/** What `run` cost each process `sample` covers, and this process (the clients), in CPU ms. */
async function withCpu<T>(sample: () => TreeSample[], run: () => Promise<T>): Promise<{ result: T; cpu: Map<string, number> }> {
  const before = sample();
  const ownBefore = process.cpuUsage();
  const result = await run();
  const cpu = cpuBetween(before, sample());
  const own = process.cpuUsage(ownBefore);
  cpu.set(benchClients, (own.user + own.system) / 1000);
  return { result, cpu };
}

/** The label of this process's own CPU: the clients', not the shop's. */
export const benchClients = 'bench clients';

/** Waits until every outbox and consumer is back to zero; fails if they are not within the drain timeout. */
export async function drained(shop: ShopUnderBench): Promise<{ ms: number; atStart: Backlog }> {
  const outcome = await drain(shop.jsm, shop.adminUrls, drainTimeoutMs);
  if (backlogSize(outcome.left) > 0) throw new Error(`the shop did not catch up within ${drainTimeoutMs} ms: ${describeBacklog(outcome.left)}`);
  return outcome;
}

function describeBacklog(backlog: Backlog): string {
  return [`outbox ${backlog.outbox}`, ...[...backlog.consumers].filter(([, left]) => left > 0).map(([name, left]) => `${name} ${left}`)].join(', ');
}

function perOrder(cpu: ReadonlyMap<string, number>, orders: number): Record<string, number> {
  return Object.fromEntries([...cpu].map(([label, ms]) => [label, orders === 0 ? Number.NaN : ms / orders]));
}

/** Each order on a customer of its own, so the row it makes is the only one on their page. */
async function orderToMyPage(shop: ShopUnderBench, samples: number): Promise<ShopMeasures['visibility']> {
  const visible: number[] = [];
  const placed: number[] = [];
  const afterAnswer: number[] = [];
  for (let index = 0; index < samples; index += 1) {
    const customerId = 1_000_000 + index;
    const started = performance.now();
    await shop.placeOrderGrpc(customerId);
    const answered = performance.now();
    placed.push(answered - started);
    while ((await shop.myPageOf(customerId)).rows.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    visible.push(performance.now() - started);
    afterAnswer.push(performance.now() - answered);
  }
  return { ...latencyOf(visible), placeP50Ms: latencyOf(placed).p50Ms, afterAnswer: latencyOf(afterAnswer) };
}

/**
 * Delivery down while orders come in, then started again: its events a second from when its
 * durable consumer is seen moving until nothing is pending.
 */
async function deliveryCatchesUp(shop: ShopUnderBench, seconds: number, order: () => Promise<unknown>): Promise<{ events: number; eventsPerSec: number }> {
  const delivery = shop.mesh.process('delivery');
  // Its durable consumer on the broker: the routed one (services/kit/src/events/routes.ts).
  const durable = routedName('delivery');
  await delivery.stop();
  await closedLoop(seconds, clients, order);
  const othersDone = async (): Promise<boolean> => {
    const backlog = await readBacklog(shop.jsm, shop.adminUrls.filter((url) => url !== shop.mesh.adminUrl('delivery')));
    return backlog.outbox === 0 && [...backlog.consumers].every(([name, left]) => name === durable || left === 0);
  };
  while (!(await othersDone())) await new Promise((resolve) => setTimeout(resolve, 100));
  const pending = async (): Promise<number> => {
    const info = await shop.jsm.consumers.info(eventStream, durable);
    return info.num_pending + info.num_ack_pending;
  };
  const behind = await pending();
  // Watched while it starts: its consumers read before it answers its readiness probe, so a small
  // backlog is gone by the time start() returns.
  let failed: Error | undefined;
  const starting = delivery.start().catch((error: unknown) => {
    failed = error instanceof Error ? error : new Error(String(error));
  });
  let first: { at: number; left: number } | undefined;
  for (;;) {
    if (failed !== undefined) throw failed;
    const left = await pending();
    const at = performance.now();
    if (first === undefined && left < behind) first = { at, left };
    if (left === 0) {
      await starting;
      return { events: behind, eventsPerSec: first === undefined || at === first.at ? Number.NaN : first.left / ((at - first.at) / 1000) };
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** My page emptied and rebuilt from the whole stream (MYPAGE_REBUILD): from its "emptied" log line to "caught up", by their times. */
async function myPageRebuilds(shop: ShopUnderBench): Promise<{ events: number; eventsPerSec: number }> {
  const myPage = shop.mesh.process('mypage');
  const times: { emptied?: number; caughtUp?: number } = {};
  let sawCaughtUp: () => void = () => undefined;
  // A line can reach us after the readiness probe has answered: pino writes asynchronously.
  const caughtUpLogged = new Promise<void>((resolve) => { sawCaughtUp = resolve; });
  shop.lineListener = (label, line) => {
    if (label !== 'mypage' || !line.startsWith('{')) return;
    const { msg, time } = JSON.parse(line) as { msg?: string; time?: string };
    if (msg?.startsWith('my page emptied') === true) times.emptied = Date.parse(time ?? '');
    if (msg === 'stream replay caught up' && times.emptied !== undefined) {
      times.caughtUp = Date.parse(time ?? '');
      sawCaughtUp();
    }
  };
  await myPage.stop();
  await myPage.start(120_000, { MYPAGE_REBUILD: 'true' });
  await Promise.race([caughtUpLogged, new Promise((resolve) => setTimeout(resolve, 30_000).unref())]);
  shop.lineListener = undefined;
  const metrics = await (await fetch(`${shop.mesh.adminUrl('mypage')}/metrics`)).text();
  const events = [...metrics.matchAll(/^bookstore_events_handled_total\{[^}]*consumer="mypage"[^}]*\} (\d+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
  if (times.emptied === undefined || times.caughtUp === undefined) throw new Error(`my page rebuilt without logging ${times.emptied === undefined ? '"my page emptied"' : '"stream replay caught up"'} at info level`);
  return { events, eventsPerSec: events / (Math.max(1, times.caughtUp - times.emptied) / 1000) };
}

