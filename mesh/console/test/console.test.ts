import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { meshServices } from '../../policy/services.js';
import { id, Shop } from '../../e2e/test/shop.js';
import { startConsole, type Console } from '../console-server.js';
import { meshTargets } from '../targets.js';

/**
 * The local console in headless Chromium, against the whole mesh: it lists every replica healthy,
 * its figures move while orders are placed, and an order id shows that order's trace.
 */
describe('the local console, in a browser', function () {
  this.timeout(240_000);
  let shop: Shop;
  let meshConsole: Console;
  let browser: Browser;
  let page: Page;

  before(async () => {
    shop = await Shop.open();
    meshConsole = await startConsole({ port: 0, targets: () => meshTargets(shop.mesh), tracesUrl: shop.mesh.tracesUrl, scrapeIntervalMs: 500, windowMs: 10_000 });
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true });
    page = await browser.newPage();
    // A figure the page does not show fails the read, rather than waiting for it forever.
    page.setDefaultTimeout(15_000);
    await page.goto(meshConsole.url);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(shop.problems().join('\n'));
  });

  after(async () => {
    await browser.close();
    await meshConsole.close();
    await shop.close();
  });

  const newBook = async (): Promise<string> => id(await shop.rest.post('/books', { bookName: 'Console Days', stock: 1_000, price: 1500 }));
  const newCustomer = async (name: string): Promise<string> => id(await shop.rest.post('/customers', { name, email: `${name.toLowerCase()}@example.com` }));
  const placeOrder = async (customerId: string, bookId: string): Promise<string> =>
    id(await shop.rest.post('/orders', { customerId, bookId, quantity: 1, deliveryAddress: '9 Console Court' }));

  /** A figure of a service's card as the page shows it, e.g. "3.5" for requests/s. */
  const figure = (service: string, name: string): Promise<string> =>
    page.getByRole('article', { name: service, exact: true }).getByRole('definition').and(page.getByLabel(name, { exact: true })).innerText();

  /** The rows of a service's replica table, as the page shows them ("order\tready\t1.2\t0.0 %\t25 ms"). */
  const replicaRows = (service: string): Promise<string[]> =>
    page.getByRole('table', { name: `${service} replicas` }).getByRole('row').filter({ has: page.getByRole('rowheader') }).allInnerTexts();
  const health = (row: string): string | undefined => row.split('\t')[1];

  it('lists every replica ready, and its requests/s and events/s rise while orders are placed', async () => {
    for (const service of ['edge', ...meshServices.map(({ name }) => name), 'auth']) {
      await shop.eventually(`${service}'s replica listed ready`, () => replicaRows(service), (rows) => rows.length === 1 && rows.every((row) => health(row) === 'ready'));
    }
    const bookId = await newBook();
    const customerId = await newCustomer('Quill');
    const orders: Promise<unknown>[] = [];
    const seen = await shop.eventually(
      'the order and catalog services to show requests/s above zero and the events handled',
      async () => {
        orders.push(placeOrder(customerId, bookId));
        return { order: await figure('order', 'requests/s'), catalog: await figure('catalog', 'requests/s'), delivery: await figure('delivery', 'events/s') };
      },
      (figures) => Object.values(figures).every((value) => Number(value) > 0),
      120_000,
    );
    await Promise.all(orders);
    expect(Number(seen.order)).to.be.greaterThan(0);
    expect(await figure('order', 'errors')).to.match(/^\d+(\.\d+)? %$/);
    expect(await figure('order', 'p99')).to.match(/^\d+(\.\d+)? ms$/);
  });

  it('shows an order\'s trace as a waterfall with spans from the edge and the services it went through', async () => {
    const orderId = await placeOrder(await newCustomer('Sable'), await newBook());
    await page.getByLabel('Order id').fill(orderId);
    const spans = page.locator('#trace li');
    const attributes = async (name: string): Promise<string[]> => Promise.all((await spans.all()).map(async (span) => (await span.getAttribute(name)) ?? ''));
    // The services export their spans in batches: search again until every hop has arrived.
    const services = await shop.eventually(
      `the waterfall of order ${orderId} to hold spans of the edge, order, catalog and payment`,
      async () => {
        await page.getByRole('button', { name: 'Show trace' }).click();
        await page.getByText(new RegExp(`order ${orderId}: \\d+ trace|no trace of order ${orderId}`)).waitFor();
        return new Set(await attributes('data-service'));
      },
      (found) => ['edge', 'order', 'catalog', 'payment'].every((service) => found.has(service)),
      120_000,
    );
    expect([...services]).to.include.members(['edge', 'order', 'catalog', 'payment']);
    // Bars are indented by parent: a child span sits deeper than its trace's root.
    const depths = (await attributes('data-depth')).map(Number);
    expect(depths).to.include(0);
    expect(Math.max(...depths)).to.be.greaterThan(0);
    expect(await page.locator('#trace .bar').count()).to.equal(await spans.count());
  });

  it('lists a stopped replica down, and ready again once it is back', async () => {
    const coupon = shop.mesh.process('coupon');
    await coupon.stop();
    await shop.eventually('coupon listed down', () => replicaRows('coupon'), (rows) => rows.map(health).join() === 'down');
    expect(await page.getByRole('article', { name: 'coupon', exact: true }).getByRole('heading').innerText()).to.contain('0/1 ready');
    await coupon.start();
    await shop.eventually('coupon listed ready again', () => replicaRows('coupon'), (rows) => rows.map(health).join() === 'ready');
  });
});
