import { createServer, type Server } from 'node:http';
import type { LocalMesh } from './local-mesh.js';

/**
 * The running `make dev`'s control port on 127.0.0.1: `POST /rollout` replaces every replica one
 * at a time and streams each step as a line of text; `make rollout` calls it. One rollout at a time.
 */
export async function startControlServer(mesh: LocalMesh, port: number, log: (line: string) => void): Promise<Server> {
  let rolling = false;
  const server = createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== '/rollout') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('POST /rollout\n');
      return;
    }
    if (rolling) {
      response.writeHead(409, { 'content-type': 'text/plain' }).end('a rollout is running already\n');
      return;
    }
    rolling = true;
    response.writeHead(200, { 'content-type': 'text/plain' });
    const step = (line: string): void => {
      log(line);
      response.write(`${line}\n`);
    };
    mesh.rollout(step).then(
      () => { response.end('rollout: done\n'); },
      (error: unknown) => { response.end(`rollout: failed: ${error instanceof Error ? error.message : String(error)}\n`); },
    ).finally(() => { rolling = false; });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => { resolve(); });
  });
  return server;
}
