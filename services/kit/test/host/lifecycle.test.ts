import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { waitFor } from '#kit/process/ports.js';

const fixture = fileURLToPath(new URL('./fixtures/signalled-process.ts', import.meta.url));

interface Run {
  exitCode: Promise<number | null>;
  lines: Record<string, unknown>[];
  stepsRun: () => string[];
  signal: (name: NodeJS.Signals) => void;
}

describe('kit service lifecycle', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'lifecycle-')); });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  function runFixture(scenario: string): Run {
    const record = join(dir, 'steps.txt');
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, scenario, record], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: Record<string, unknown>[] = [];
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const parts = (pending + chunk.toString()).split('\n');
      pending = parts.pop() ?? '';
      for (const part of parts) lines.push(JSON.parse(part) as Record<string, unknown>);
    });
    return {
      exitCode: new Promise((resolve) => child.on('close', resolve)),
      lines,
      stepsRun: () => readFileSync(record, 'utf8').split('\n').filter(Boolean),
      signal: (name) => { child.kill(name); },
    };
  }

  const started = (run: Run): Promise<void> =>
    waitFor(() => Promise.resolve(run.lines.some((line) => line.msg === 'started')), 'the fixture to start', 20_000);

  it('on SIGTERM runs the shutdown steps in order, logs them and exits 0', async () => {
    const run = runFixture('ok');
    await started(run);
    run.signal('SIGTERM');
    expect(await run.exitCode).to.equal(0);
    expect(run.stepsRun()).to.deep.equal(['mark not ready', 'drain gRPC', 'stop consumers and relays', 'close stores and broker']);
    expect(run.lines.map((line) => line.msg)).to.have.members([
      'started',
      'shutting down',
      'shutdown: mark not ready',
      'shutdown: drain gRPC',
      'shutdown: stop consumers and relays',
      'shutdown: close stores and broker',
      'stopped',
    ]);
  });

  it('on SIGINT runs every step even when one fails, then exits 1', async () => {
    const run = runFixture('failing-step');
    await started(run);
    run.signal('SIGINT');
    expect(await run.exitCode).to.equal(1);
    expect(run.stepsRun()).to.deep.equal(['mark not ready', 'drain gRPC', 'stop consumers and relays', 'close stores and broker']);
    expect(run.lines.find((line) => line.msg === 'shutdown: drain gRPC failed')).to.include({ level: 'error' });
  });

  it('ends a process with a bad configuration with exit code 78 and every problem in one line', async () => {
    const run = runFixture('config-error');
    expect(await run.exitCode).to.equal(78);
    expect(run.lines).to.have.length(1);
    expect(run.lines[0]).to.include({ level: 'fatal', msg: 'invalid configuration: GRPC_PORT must be a whole number, got "x"; NATS_URL is required' });
  });
});
