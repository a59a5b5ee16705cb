import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { historyDir } from '../history.js';
import { closedLoop } from '../shop/closed-loop.js';
import { cpuBetween } from '../shop/processes.js';
import { drained } from '../shop/shop-bench.js';
import { clients, ShopUnderBench } from '../shop/shop-under-bench.js';
import { breakdownOf, monotonicUs, type Window } from './cpu-profile.js';
import { profileReport, type ProcessProfile } from './profile-report.js';

/**
 * `make profile`: the whole shop from the compiled tree with every Node process under V8's CPU
 * profiler, POST /orders through the edge for PROFILE_SECONDS (default 8) with 16 clients and the
 * wait until every consumer has caught up, then where each process spent its CPU over exactly that
 * window, per order. The profiles stay beside the report for Chrome DevTools or speedscope.
 */
const seconds = Number(process.env.PROFILE_SECONDS ?? '8');
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const profileDir = resolve(historyDir, `profile-${stamp}`);
mkdirSync(profileDir, { recursive: true });

process.stderr.write('profile: starting the local mesh (compiled) under the CPU profiler ...\n');
const shop = await ShopUnderBench.start('compiled', { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` });
const labels = new Map<number, string>();
let window: Window;
let orders: number;
let cpuMs: Map<string, number>;
try {
  await shop.seed();
  for (const [label, pid] of [...shop.mesh.processes().map((one) => [one.spec.label, one.pid] as const), ['card-processor', shop.mesh.externalProcess('card-processor').pid] as const]) {
    if (pid !== undefined) labels.set(pid, label);
  }
  let turn = 0;
  const restOrder = (client: number): Promise<unknown> => shop.placeOrderRest(client, shop.customerOf(turn++));
  process.stderr.write('profile: warming up ...\n');
  await closedLoop(1, clients, restOrder);
  await drained(shop);
  process.stderr.write(`profile: POST /orders for ${seconds} s, then the drain ...\n`);
  const fromUs = monotonicUs();
  const before = shop.sample();
  const load = await closedLoop(seconds, clients, restOrder);
  await drained(shop);
  window = { fromUs, toUs: monotonicUs() };
  cpuMs = cpuBetween(before, shop.sample());
  orders = load.ops;
  if (load.failed > 0) throw new Error(`${load.failed} orders failed during the profile, the first: ${load.firstFailure ?? ''}`);
} finally {
  // The profiles are written as each process exits.
  await shop.close();
}

const profiles: ProcessProfile[] = readdirSync(profileDir)
  .filter((file) => file.endsWith('.cpuprofile'))
  .flatMap((file) => {
    const label = labels.get(Number(file.split('.')[3]));
    return label === undefined ? [] : [{ label, cpuMs: cpuMs.get(label) ?? 0, breakdown: breakdownOf(join(profileDir, file), window) }];
  });
const report = profileReport(profiles, orders, window, cpuMs.get('nats-server'));
console.log(report);
const reportFile = join(profileDir, 'report.md');
writeFileSync(reportFile, `${report}\n`);
// The window in the profiles' clock, to read them again over the same stretch (cpu-profile.ts).
writeFileSync(join(profileDir, 'window.json'), `${JSON.stringify({ ...window, orders })}\n`);
console.log(`\nprofiles and this report: ${reportFile}`);
