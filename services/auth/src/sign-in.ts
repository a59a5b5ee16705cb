import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { Logger } from '#kit/log/log.js';
import type { CustomerDirectory } from './customer-directory.js';
import { signInPage } from './pages.js';
import { shopScope } from './provider.js';

export const signInPath = '/sign-in/';
const maxFormBytes = 4096;

/**
 * The customer sign-in of an interaction: GET shows the form, POST checks the customer number and
 * email with the customer service, then grants the shop's scope to the signing-in client and hands
 * back to the provider, which finishes the grant (the device flow's "signed in" page).
 */
export async function signIn(provider: Provider, audience: string, customers: CustomerDirectory, log: Logger, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(request, response);
  if (request.method === 'GET') {
    sendHtml(response, 200, signInPage(details.uid));
    return;
  }
  if (request.method !== 'POST') {
    sendHtml(response, 405, signInPage(details.uid, 'Use the form to sign in.'));
    return;
  }
  const form = new URLSearchParams(await readForm(request));
  const customerId = await customers.signIn(form.get('customer') ?? '', form.get('email') ?? '');
  if (customerId === undefined) {
    log.info({ uid: details.uid }, 'customer sign-in refused');
    sendHtml(response, 401, signInPage(details.uid, 'That customer number and email do not match a registered customer.'));
    return;
  }
  const clientId = details.params.client_id;
  if (typeof clientId !== 'string') throw new Error('an interaction without a client');
  const grant = new provider.Grant({ accountId: customerId, clientId });
  grant.addOIDCScope(`openid ${shopScope}`);
  grant.addResourceScope(audience, shopScope);
  const grantId = await grant.save();
  log.info({ customerId, clientId }, 'customer signed in');
  await provider.interactionFinished(request, response, { login: { accountId: customerId }, consent: { grantId } }, { mergeWithLastSubmission: false });
}

function sendHtml(response: ServerResponse, statusCode: number, html: string): void {
  response.writeHead(statusCode, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  response.end(html);
}

async function readForm(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) {
    text += String(chunk);
    if (text.length > maxFormBytes) throw new Error('sign-in form too large');
  }
  return text;
}
