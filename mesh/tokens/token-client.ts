import { CookieJar } from './cookie-jar.js';

/** The public client customers sign in with (services/auth/src/provider.ts). */
const customerClientId = 'shop';
const deviceCodeGrant = 'urn:ietf:params:oauth:grant-type:device_code';
const timeoutMs = 10_000;

export class TokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenError';
  }
}

interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
}

/** A staff system's access token: the client credentials grant with its client id and secret. */
export async function staffToken(issuer: string, clientId: string, secret: string): Promise<string> {
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return accessTokenOf(response, `client credentials for ${clientId}`);
}

/**
 * A customer's access token through the device authorization grant (RFC 8628), doing over HTTP
 * what the person does in a browser: open the verification link, confirm the code, sign in with
 * the customer number and email; meanwhile the "terminal" side redeems the device code.
 */
export async function customerToken(issuer: string, customerId: string, email: string): Promise<string> {
  const started = await fetch(`${issuer}/device/auth`, {
    method: 'POST',
    body: new URLSearchParams({ client_id: customerClientId, scope: 'openid shop' }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!started.ok) throw new TokenError(`device authorization answered ${started.status}: ${await started.text()}`);
  const device = (await started.json()) as DeviceAuthorization;

  const browser = new Browser(issuer);
  const codePage = await browser.open(device.verification_uri);
  const confirmPage = await browser.submit(codePage, 'op.deviceInputForm', { user_code: device.user_code });
  const signInPage = await browser.submit(confirmPage, 'op.deviceConfirmForm');
  const signedIn = await browser.post(signInPage.url, { customer: customerId, email });
  if (signedIn.status !== 200) throw new TokenError(`customer ${customerId} could not sign in (${signedIn.status})`);

  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: deviceCodeGrant, device_code: device.device_code, client_id: customerClientId }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return accessTokenOf(response, `the device code of customer ${customerId}`);
}

async function accessTokenOf(response: Response, what: string): Promise<string> {
  const body = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
  if (!response.ok || typeof body.access_token !== 'string') {
    throw new TokenError(`${what}: ${body.error ?? response.status}${body.error_description === undefined ? '' : ` (${body.error_description})`}`);
  }
  return body.access_token;
}

interface Page {
  url: string;
  status: number;
  html: string;
}

/** Follows redirects and keeps cookies like a browser, for the token service's own pages only. */
class Browser {
  private readonly jar = new CookieJar();

  constructor(private readonly issuer: string) {}

  open(url: string): Promise<Page> {
    return this.follow(url, { method: 'GET' });
  }

  post(url: string, fields: Record<string, string>): Promise<Page> {
    return this.follow(url, { method: 'POST', body: new URLSearchParams(fields) });
  }

  /** Submits the form with this id: its action, its hidden inputs and what the person types. */
  submit(page: Page, formId: string, typed: Record<string, string> = {}): Promise<Page> {
    const form = new RegExp(`<form[^>]*id="${formId}"[^>]*action="([^"]+)"[^>]*>([\\s\\S]*?)</form>`).exec(page.html);
    if (form === null) throw new TokenError(`no form ${formId} on ${page.url}`);
    const fields: Record<string, string> = {};
    for (const input of (form[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)) fields[input[1] ?? ''] = input[2] ?? '';
    return this.post(new URL(form[1] ?? '', page.url).toString(), { ...fields, ...typed });
  }

  private async follow(url: string, init: { method: string; body?: URLSearchParams }): Promise<Page> {
    let target = new URL(url, this.issuer).toString();
    let request = init;
    for (let hops = 0; hops < 10; hops += 1) {
      const response = await fetch(target, { ...request, headers: { cookie: this.jar.header() }, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      this.jar.keep(response);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location !== null) {
        await response.body?.cancel();
        target = new URL(location, target).toString();
        request = { method: 'GET' };
        continue;
      }
      return { url: target, status: response.status, html: await response.text() };
    }
    throw new TokenError(`too many redirects from ${url}`);
  }
}
