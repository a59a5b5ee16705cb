import { expect } from 'chai';
import { runBenchmark, type Measured } from '../benchmark.js';
import { openBenchEnv, type OpenEnv } from '../environment.js';
import { table } from '../report.js';
import { suite } from '../suite.js';

/** Every benchmark of `make bench` on a tiny round, so the bench cannot rot. Speed is never asserted. */
describe('make bench', function () {
  this.timeout(60_000);
  let opened: OpenEnv;

  before(async () => {
    opened = await openBenchEnv();
  });

  after(() => opened.close());

  for (const benchmark of suite) {
    it(`runs "${benchmark.name}" and its baseline, and prints a row`, async () => {
      const result = await runBenchmark(benchmark, opened.env, { rounds: 1, warmupRounds: 1, roundSeconds: 0.01, scale: 0.01 });
      expect(result, 'skipped' in result ? result.skipped : '').not.to.have.property('skipped');
      const { ratio, ours, baseline } = result as Measured;
      expect(ratio).to.be.greaterThan(0).and.to.be.finite;
      expect(ours.opsPerSec).to.be.greaterThan(0);
      expect(baseline.opsPerSec).to.be.greaterThan(0);
      expect(table([result], new Map())).to.contain(benchmark.name);
    });
  }
});
