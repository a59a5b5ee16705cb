import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { breakdownOf, groupOf, monotonicUs } from '../profile/cpu-profile.js';
import { profileReport } from '../profile/profile-report.js';

/**
 * `make profile`'s reading of V8 CPU profiles, on a real one: a Node process that spins in one
 * function, then in another, each for a known stretch of the monotonic clock it prints.
 */
describe('make profile: where the CPU went, from a real V8 profile', function () {
  this.timeout(60_000);
  let dir: string;
  let marks: { firstFrom: number; firstTo: number; secondTo: number };
  let profile: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'bookstore-profile-'));
    const script = join(dir, 'spin.mjs');
    writeFileSync(
      script,
      [
        'const now = () => Number(process.hrtime.bigint() / 1000n);',
        // The clock is read once per 100,000 steps, so the samples land in the spinning function itself.
        'function spinFirst(ms) { const end = now() + ms * 1000; let x = 0; while (now() < end) for (let i = 0; i < 1e5; i++) x += Math.sqrt(x + i); return x; }',
        'function spinSecond(ms) { const end = now() + ms * 1000; let x = 0; while (now() < end) for (let i = 0; i < 1e5; i++) x += Math.sqrt(x + i + 1); return x; }',
        'const firstFrom = now(); spinFirst(300); const firstTo = now(); spinSecond(300); const secondTo = now();',
        'console.log(JSON.stringify({ firstFrom, firstTo, secondTo }));',
      ].join('\n'),
    );
    marks = JSON.parse(execFileSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, script], { encoding: 'utf8' })) as typeof marks;
    const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
    if (file === undefined) throw new Error('node --cpu-prof wrote no profile');
    profile = join(dir, file);
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts only the samples inside the window: the first stretch is the first function\'s, the second the other\'s', () => {
    const first = breakdownOf(profile, { fromUs: marks.firstFrom, toUs: marks.firstTo });
    const second = breakdownOf(profile, { fromUs: marks.firstTo, toUs: marks.secondTo });
    const top = (names: [string, number][]): string => names[0]?.[0] ?? '';
    expect(top(first.byFunction)).to.match(/^spinFirst .*spin\.mjs/);
    expect(top(second.byFunction)).to.match(/^spinSecond .*spin\.mjs/);
    expect(first.byFunction.some(([name]) => name.startsWith('spinSecond'))).to.equal(false);
    // Busy time is what the window held, sampled: about 300 ms, never more than the window.
    expect(first.busyMs).to.be.greaterThan(150).and.at.most((marks.firstTo - marks.firstFrom) / 1000 + 5);
  });

  it('reports each process per order, its parts largest first', () => {
    const window = { fromUs: marks.firstFrom, toUs: marks.secondTo };
    const breakdown = breakdownOf(profile, window);
    // Linux counted 200 ms of CPU for 10 orders: 20 ms each, split by the samples' shares.
    const report = profileReport([{ label: 'spinner', cpuMs: 200, breakdown }], 10, window);
    expect(report).to.contain('| spinner | 20.00 |');
    const [[, firstMs] = ['', 0]] = breakdown.byFunction;
    expect(report).to.contain(`| \`${breakdown.byFunction[0]?.[0] ?? ''}\` | ${((200 * firstMs) / breakdown.busyMs / 10).toFixed(2)} |`);
    expect(report).to.contain('## spinner:');
    expect(report).to.contain('## The whole shop, by where the code comes from');
    expect(report).to.match(/`spinFirst [^`]*spin\.mjs:2`/);
  });

  it('names where code comes from: a package, a part of Node, the kit, a service', () => {
    expect(groupOf({ functionName: 'f', url: 'file:///repo/node_modules/@grpc/grpc-js/build/src/server.js' })).to.equal('@grpc/grpc-js');
    expect(groupOf({ functionName: 'f', url: 'file:///repo/node_modules/knex/lib/client.js' })).to.equal('knex');
    expect(groupOf({ functionName: 'f', url: 'node:internal/tls/wrap' })).to.equal('node:tls');
    expect(groupOf({ functionName: 'f', url: 'file:///repo/dist/services/kit/src/db/sqlite-client.js' })).to.equal('kit/db');
    expect(groupOf({ functionName: 'f', url: 'file:///repo/dist/services/order/src/app/order-commands.js' })).to.equal('order/app');
    expect(groupOf({ functionName: '(garbage collector)', url: '' })).to.equal('(garbage collector)');
    expect(monotonicUs()).to.be.greaterThan(marks.secondTo);
  });
});
