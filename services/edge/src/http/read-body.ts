import type { IncomingMessage } from 'node:http';
import { status } from '@grpc/grpc-js';
import { TranscodeError } from '../transcode/transcode-error.js';

/** The request body as UTF-8 text; over `limitBytes` it is a 413, as Envoy's max_request_body_size. */
export function readBody(request: IncomingMessage, limitBytes: number): Promise<string> {
  const tooLarge = (): TranscodeError => new TranscodeError(status.RESOURCE_EXHAUSTED, `the request body is larger than ${limitBytes} bytes`, 413);
  if (Number(request.headers['content-length'] ?? 0) > limitBytes) {
    request.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) chunks.push(chunk);
    });
    request.on('end', () => {
      if (size > limitBytes) reject(tooLarge());
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    request.on('error', reject);
  });
}
