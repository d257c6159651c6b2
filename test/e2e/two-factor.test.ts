// Two-factor codes in a real browser (Debian's Chromium through playwright-core) against `wrangler dev`: set up on
// the security page, with the key read off the page as a person would type it into an app and the first code computed
// from it by the tests' own RFC 6238 implementation; then sign out, sign in with the password and a code, and get an
// ID Token that says so (amr pwd, otp, mfa). The pages' CSP must not block anything on the way.
import type { Server } from 'node:http';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s256 } from '../../src/oauth/pkce';
import { generateOpaqueToken } from '../../src/tokens/opaque';
import { decodeBase32, totpCode } from '../helpers/totp';
import { allowAndLand, redeemForIdToken } from './code-flow';
import { launchChromium, startCallbackServer, submitLoginForm, type Chromium } from './chromium';
import { postJson, startDevServer, type DevServer } from './dev-server';

let server: DevServer;
let callback: { origin: string; server: Server };
let browser: Chromium;
let page: Page;
const cspViolations: string[] = [];

beforeAll(async () => {
  [server, callback] = await Promise.all([startDevServer(), startCallbackServer()]);
  browser = await launchChromium();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
  });
});

afterAll(async () => {
  await Promise.all([browser?.close(), server?.stop(), new Promise((resolve) => callback?.server.close(resolve))]);
});

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('two-factor codes in Chromium', () => {
  it('sets up TOTP from the page, then signs in with the password and a code', async () => {
    const username = `totp_${generateOpaqueToken(6)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, 'x')}`;
    const password = generateOpaqueToken(12);
    await postJson(server.issuer, '/signup', { username, password });

    await page.goto(`${server.issuer}/login?return_to=%2Faccount%2Fsecurity`);
    await submitLoginForm(page, username, password);
    await page.getByRole('heading', { name: 'Two-factor codes' }).waitFor();
    await page.getByRole('button', { name: 'Set up two-factor codes' }).click();

    await page.getByRole('img', { name: 'QR code of your two-factor key' }).waitFor();
    const uri = new URL((await page.locator('#totp-key-uri').getAttribute('href'))!);
    const key = (await page.locator('#totp-key').textContent())!;
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(key);
    const secret = decodeBase32(key);
    await page.getByLabel('Code from the app').fill(await totpCode(secret, nowSeconds()));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    expect(await page.locator('#recovery-codes li').count()).toBe(10);

    await page.goto(`${server.issuer}/account`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((address) => address.pathname === '/login');

    // Signed out: the password leads to the code, and only the code to the account.
    await page.goto(`${server.issuer}/login?return_to=%2Faccount`);
    await submitLoginForm(page, username, password);
    await page.waitForURL((address) => address.pathname === '/login/second-factor');
    await page.getByLabel('Code').fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('That code is not right, or it was used already.').waitFor();
    // The enrolment spent this step's code; the next step's is accepted early (one step of drift, RFC 6238 §5.2).
    await page.getByLabel('Code').fill(await totpCode(secret, nowSeconds() + 30));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();

    // A relying party signing the user in now is told how: password and a one-time code.
    const registered = await postJson(server.issuer, '/oauth/register', {
      client_name: 'E2E two-factor client',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      redirect_uris: [`${callback.origin}/callback`],
      scope: 'openid',
    });
    const verifier = generateOpaqueToken();
    const query = {
      response_type: 'code',
      client_id: registered.client_id as string,
      redirect_uri: `${callback.origin}/callback`,
      scope: 'openid',
      state: 'totp',
      code_challenge: await s256(verifier),
      code_challenge_method: 'S256',
    };
    await page.goto(`${server.issuer}/oauth/authorize?${new URLSearchParams(query)}`);
    const landing = await allowAndLand(page, callback.origin);
    const payload = await redeemForIdToken({
      issuer: server.issuer,
      clientId: query.client_id,
      code: landing.get('code')!,
      redirectUri: query.redirect_uri,
      verifier,
    });
    expect(payload).toMatchObject({
      amr: ['pwd', 'otp', 'mfa'],
      acr: 'urn:portcullis:acr:mfa',
    });
    expect(cspViolations).toEqual([]);
  });
});
