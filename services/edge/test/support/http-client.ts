import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: unknown;
}

/**
 * One HTTP/1.1 request with exactly the given headers (fetch would refuse hop-by-hop ones such as
 * Connection or TE, which the header tests need to send).
 */
export function httpCall(baseUrl: string, method: string, path: string, options: { body?: string; headers?: OutgoingHttpHeaders } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(new URL(path, baseUrl), { method, headers: options.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const isJson = (response.headers['content-type'] ?? '').startsWith('application/json');
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json: isJson ? JSON.parse(text) : undefined });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}
