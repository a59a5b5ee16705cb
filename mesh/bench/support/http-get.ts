import { get, type Agent } from 'node:http';

/** GETs `url` and parses its JSON body, as a REST client of the shop would; fails on any status but 200. */
export function httpGetJson(agent: Agent, url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        if (response.statusCode === 200) resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        else reject(new Error(`GET ${url} answered ${String(response.statusCode)}`));
      });
    });
    request.on('error', reject);
  });
}
