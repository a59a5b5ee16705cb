import { request as httpRequest, type Agent } from 'node:http';

/** GETs `url` and parses its JSON body, as a REST client of the shop would; fails on any status but 200. */
export function httpGetJson(agent: Agent, url: string, token?: string): Promise<unknown> {
  return httpJson(agent, 'GET', url, undefined, token);
}

/** Sends `body` as JSON (none for undefined), with a bearer token when given; parses the 200 answer's JSON. */
export function httpJson(agent: Agent, method: string, url: string, body: unknown, token?: string): Promise<unknown> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = {};
  if (payload !== undefined) headers['content-type'] = 'application/json';
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (response.statusCode === 200) resolve(JSON.parse(text));
        else reject(new Error(`${method} ${url} answered ${String(response.statusCode)}: ${text.slice(0, 300)}`));
      });
    });
    request.on('error', reject);
    request.end(payload);
  });
}
