import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { killWithParent } from '#kit/process/child-processes.js';
import type { TlsFiles } from '#kit/grpc/mutual-tls.js';
import { tlsEnv } from '../../local/certificates.js';

const entry = fileURLToPath(new URL('minimal-pipeline.ts', import.meta.url));

export interface PipelineProcess {
  address: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

/** The minimal pipeline (minimal-pipeline.ts) as a process of its own, serving with `tls`'s identity. */
export async function startMinimalPipeline(options: { databaseUrl: string; natsUrl: string; tls: TlsFiles }): Promise<PipelineProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, PIPELINE_DATABASE_URL: options.databaseUrl, NATS_URL: options.natsUrl, ...tlsEnv(options.tls) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  killWithParent(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^listening (\d+)$/.exec(line);
      if (match !== null) resolve(Number(match[1]));
    });
    void exited.then(() => { reject(new Error(`the minimal pipeline exited: ${stderr}`)); });
  });
  return {
    address: `127.0.0.1:${port}`,
    pid: child.pid,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
