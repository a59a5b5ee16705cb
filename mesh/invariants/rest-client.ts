/** A small JSON client for the REST edge, as any user of the shop would call it. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly request: string,
  ) {
    super(`${request} answered ${status}: ${JSON.stringify(body)}`);
    this.name = 'RestError';
  }
}

export type Query = Readonly<Record<string, string | number | undefined>>;

/** The access token a request carries (mesh/tokens/route-tokens.ts chooses one per route); none for open ones. */
export type TokenFor = (method: string, path: string, body: unknown) => Promise<string | undefined>;

export class RestClient {
  constructor(
    readonly baseUrl: string,
    private readonly tokenFor: TokenFor = () => Promise.resolve(undefined),
    private readonly timeoutMs = 10_000,
  ) {}

  get(path: string, query: Query = {}): Promise<unknown> {
    return this.send('GET', withQuery(path, query));
  }

  post(path: string, body: unknown): Promise<unknown> {
    return this.send('POST', path, body);
  }

  patch(path: string, body: unknown): Promise<unknown> {
    return this.send('PATCH', path, body);
  }

  delete(path: string): Promise<unknown> {
    return this.send('DELETE', path);
  }

  /** Every item of a paginated list (pageSize/pageToken/nextPageToken), in order. */
  async all(path: string, itemsKey: string, query: Query = {}): Promise<unknown[]> {
    const items: unknown[] = [];
    let pageToken = '';
    do {
      const page = (await this.get(path, { ...query, pageSize: 100, pageToken: pageToken === '' ? undefined : pageToken })) as Record<string, unknown>;
      const pageItems = page[itemsKey];
      if (Array.isArray(pageItems)) items.push(...(pageItems as unknown[]));
      pageToken = typeof page.nextPageToken === 'string' ? page.nextPageToken : '';
    } while (pageToken !== '');
    return items;
  }

  private async send(method: string, path: string, body?: unknown): Promise<unknown> {
    const request = `${method} ${path}`;
    const token = await this.tokenFor(method, path, body);
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    const parsed: unknown = text === '' ? {} : JSON.parse(text);
    if (!response.ok) throw new RestError(response.status, parsed, request);
    return parsed;
  }
}

function withQuery(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}
