import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { RestClient } from '../invariants/rest-client.js';
import { runLoad } from '../load/load.js';
import { LocalMesh } from '../local/local-mesh.js';
import { RouteTokens } from '../tokens/route-tokens.js';
import { ShopTokens } from '../tokens/shop-tokens.js';
import { startConsole } from './console-server.js';
import { meshTargets } from './targets.js';

/**
 * The README's picture of the console (docs/images/console.png): a mesh of its own on free ports
 * (two replicas of order and catalog), the console, `make load`'s mix for a while, then one more
 * order searched by id, photographed in headless Chromium while the load still runs.
 *   node --import tsx mesh/console/screenshot.ts [--out docs/images/console.png] [--seconds 40]
 */
const { values } = parseArgs({ options: { out: { type: 'string', default: 'docs/images/console.png' }, seconds: { type: 'string', default: '40' } } });
const dataDir = mkdtempSync(join(tmpdir(), 'bookstore-console-'));
const mesh = await LocalMesh.start({ dataDir, ports: 'free', replicas: { order: 2, catalog: 2 }, onLine: () => undefined });
const meshConsole = await startConsole({ port: 0, targets: () => meshTargets(mesh), tracesUrl: mesh.tracesUrl });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true });
try {
  const tokenFor = new RouteTokens(new ShopTokens({ issuer: mesh.authUrl, edgeUrl: mesh.edgeUrl, staffClientsFile: mesh.staffClientsFile }), mesh.edgeUrl).tokenFor;
  const load = runLoad(mesh.edgeUrl, { concurrency: 8, rate: 40, tokenFor, until: AbortSignal.timeout(Number(values.seconds) * 1000 + 30_000) });
  await sleep(Number(values.seconds) * 1000);
  const rest = new RestClient(mesh.edgeUrl, tokenFor);
  const bookId = String(((await rest.post('/books', { bookName: 'The Console', stock: 10, price: 1500 })) as { id: unknown }).id);
  const customerId = String(((await rest.post('/customers', { name: 'Iris', email: 'iris@example.com' })) as { id: unknown }).id);
  const orderId = String(((await rest.post('/orders', { customerId, bookId, quantity: 1, deliveryAddress: '1 Picture Lane' })) as { id: unknown }).id);
  // Spans leave the services in batches: a few seconds and the whole trace is in the store.
  await sleep(8_000);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${meshConsole.url}/?order=${orderId}`);
  await page.locator('#trace li').first().waitFor();
  await page.getByText(/^updated /).waitFor();
  await page.screenshot({ path: resolve(values.out), fullPage: true });
  console.log(`${values.out}: the console during the load, order ${orderId}'s trace`);
  await load;
} finally {
  await browser.close();
  await meshConsole.close();
  await mesh.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
