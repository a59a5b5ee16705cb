import { expect } from 'chai';
import { chromium, type Browser } from 'playwright-core';
import { id, Shop } from './shop.js';

interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri_complete: string;
}

/**
 * A customer signs in from a browser (headless Chromium) while a terminal waits: the device
 * authorization grant end to end, against the token service of the whole mesh.
 */
describe('the customer sign-in page, in a browser', function () {
  this.timeout(180_000);
  let shop: Shop;
  let browser: Browser;

  before(async () => {
    shop = await Shop.open();
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true });
  });

  after(async () => {
    await browser.close();
    await shop.close();
  });

  const startDevice = async (): Promise<DeviceAuthorization> => {
    const response = await fetch(`${shop.mesh.authUrl}/device/auth`, { method: 'POST', body: new URLSearchParams({ client_id: 'shop', scope: 'openid shop' }) });
    return (await response.json()) as DeviceAuthorization;
  };
  const redeem = async (deviceCode: string): Promise<{ access_token?: string; error?: string }> => {
    const response = await fetch(`${shop.mesh.authUrl}/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: deviceCode, client_id: 'shop' }),
    });
    return (await response.json()) as { access_token?: string; error?: string };
  };

  it('signs a registered customer in with the code the terminal shows, and the terminal gets their token', async () => {
    const customerId = id(await shop.rest.post('/customers', { name: 'Wren', email: 'wren@example.com' }));
    const device = await startDevice();
    expect(await redeem(device.device_code)).to.include({ error: 'authorization_pending' });

    const page = await browser.newPage();
    await page.goto(device.verification_uri_complete);
    await page.getByText(device.user_code).waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Customer number').fill(customerId);
    await page.getByLabel('Email you registered with').fill('wren@example.com');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Signed in' }).waitFor();
    await page.close();

    const { access_token: token } = await redeem(device.device_code);
    expect(token).to.be.a('string');
    const myPage = await fetch(`${shop.mesh.edgeUrl}/myPages/${customerId}`, { headers: { authorization: `Bearer ${String(token)}` } });
    expect(myPage.status).to.equal(200);
  });

  it('refuses a customer number and email that do not match, and issues no token', async () => {
    const customerId = id(await shop.rest.post('/customers', { name: 'Yara', email: 'yara@example.com' }));
    const device = await startDevice();
    const page = await browser.newPage();
    await page.goto(device.verification_uri_complete);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Customer number').fill(customerId);
    await page.getByLabel('Email you registered with').fill('someone.else@example.com');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByRole('alert').textContent()).to.contain('do not match');
    await page.close();
    expect(await redeem(device.device_code)).to.include({ error: 'authorization_pending' });
  });
});
