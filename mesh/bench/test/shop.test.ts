import { expect } from 'chai';
import { measureShop, type ShopMeasures } from '../shop/shop-bench.js';
import { processTable, shopRows, shopTable } from '../shop/shop-report.js';

/** The whole-shop part of `make bench` on a tiny plan, so it cannot rot. Speed is never asserted. */
describe('make bench: the whole shop', function () {
  this.timeout(300_000);
  let measured: ShopMeasures;

  before(async () => {
    measured = await measureShop({ orderLoadSeconds: 0.5, readLoadSeconds: 0.3, visibilitySamples: 3, backlogLoadSeconds: 0.5, settleSeconds: 0, runtime: 'tsx', compareTsx: false }, () => undefined);
  });

  it('places orders every way in, and measures the minimal pipeline beside them', () => {
    for (const load of [measured.pipeline, measured.grpcOrders, measured.restOrders, measured.restGetBook, measured.grpcGetBook]) {
      expect(load.failed, load.firstFailure).to.equal(0);
      expect(load.ops).to.be.greaterThan(0);
    }
    expect(measured.restOrders.sustainedPerSec).to.be.greaterThan(0).and.at.most(measured.restOrders.opsPerSec);
  });

  it('sees orders on my page, and consumers catching up', () => {
    expect(measured.visibility.samples).to.equal(3);
    expect(measured.visibility.afterAnswer.samples).to.equal(3);
    expect(measured.rawVisibility.samples).to.equal(3);
    expect(measured.deliveryCatchUp.events).to.be.greaterThan(0);
    expect(measured.myPageRebuild.events).to.be.greaterThan(0);
    expect(measured.rawCatchUpPerSec).to.be.greaterThan(0);
  });

  it('reads the memory and CPU of every process of the mesh', () => {
    const labels = measured.idle.map((one) => one.label);
    expect(labels).to.include.members(['catalog', 'order', 'delivery', 'mypage', 'edge', 'auth', 'card-processor', 'nats-server']);
    for (const one of measured.idle) expect(one.rssBytes, one.label).to.be.greaterThan(0);
    expect(measured.cpuPerOrder.rest.order).to.be.greaterThan(0);
    expect(measured.cpuPerOrder.pipeline['minimal pipeline']).to.be.greaterThan(0);
  });

  it('prints a row for each measure of issue 10, with its goal', () => {
    const rows = shopRows(measured);
    const text = shopTable(rows, new Map());
    for (const row of rows) expect(text).to.contain(row.name);
    expect(rows.filter((row) => row.goal !== '-')).to.have.length(10);
    expect(processTable(measured)).to.contain('order');
  });
});
