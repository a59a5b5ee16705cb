import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const entry = (path: string): string => fileURLToPath(new URL(`../../../../${path}`, import.meta.url));

interface Ended {
  exitCode: number | null;
  stdout: string[];
  stderr: string;
}

/** Runs a process entry with `env` added and collects what it printed before it ended. */
function run(path: string, env: Record<string, string>): Promise<Ended> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry(path)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  return new Promise((resolve) => {
    child.on('close', (exitCode) => { resolve({ exitCode, stdout: stdout.split('\n').filter(Boolean), stderr }); });
  });
}

const badLogLevel = 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"';

describe('a process with a bad configuration', () => {
  for (const path of ['services/customer/src/main.ts', 'services/edge/src/main.ts']) {
    it(`${path} ends with exit 78 and one line when LOG_LEVEL names no level`, async () => {
      const ended = await run(path, { LOG_LEVEL: 'verbose' });
      expect(ended.exitCode).to.equal(78);
      expect(ended.stderr).to.equal('');
      expect(ended.stdout).to.have.length(1);
      expect(JSON.parse(ended.stdout[0] ?? '{}')).to.include({ level: 'fatal', msg: `invalid configuration: ${badLogLevel}` });
    });
  }

  it('names every problem of the edge in the same line, peer addresses included', async () => {
    const ended = await run('services/edge/src/main.ts', { LOG_LEVEL: 'verbose', CATALOG_ADDR: 'nowhere', EDGE_PORT: 'eighty' });
    expect(ended.exitCode).to.equal(78);
    expect(ended.stdout).to.have.length(1);
    expect(JSON.parse(ended.stdout[0] ?? '{}')).to.have.property('problems').that.deep.equals([
      'EDGE_PORT must be a whole number, got "eighty"',
      'CATALOG_ADDR must be host:port, got "nowhere"',
      badLogLevel,
    ]);
  });

  it('the local mesh (make dev) ends with exit 78 and one line before it starts anything', async () => {
    const ended = await run('mesh/local/main.ts', { MESH_NATS_PORT: 'x', CATALOG_DATABASE_URL: 'mysql://catalog' });
    expect(ended.exitCode).to.equal(78);
    expect(ended.stdout).to.deep.equal([]);
    expect(ended.stderr).to.equal(
      'the local mesh did not start: invalid configuration: MESH_NATS_PORT must be a whole number, got "x"; CATALOG_DATABASE_URL must start with postgres:// or postgresql:// or sqlite:, got "mysql://catalog"\n',
    );
  });
});
