// Passkeys in a real browser: Debian's Chromium with the DevTools WebAuthn virtual authenticator (a CTAP2 platform
// authenticator with resident keys and user verification), against the Worker under `wrangler dev` at
// http://localhost (Chromium refuses 127.0.0.1 as an RP ID). A passkey-only sign-up then a sign-in with it; a password
// user adding a passkey on the security page, then an OIDC code flow signed in by it whose ID Token states it.
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../scripts/lib/process';
import { s256 } from '../../src/oauth/pkce';
import { generateOpaqueToken } from '../../src/tokens/opaque';
import { allowAndLand, redeemForIdToken } from './code-flow';
import { launchChromium, startCallbackServer, submitLoginForm, type Chromium } from './chromium';
import { postJson, startDevServer, type DevServer } from './dev-server';

let server: DevServer;
let callback: { origin: string; server: Server };
let browser: Chromium;
let page: Page;
let cdp: CDPSession;
let authenticatorId: string;
/** What the browser reported as blocked by a Content-Security-Policy: nothing, if the scripts' nonce works. */
const cspViolations: string[] = [];

function newUsername(prefix: string): string {
  return `${prefix}_${generateOpaqueToken(6)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}`;
}

/** The credentials the virtual authenticator holds. */
async function storedCredentials(): Promise<
  Array<{ credentialId: string; signCount: number; isResidentCredential: boolean }>
> {
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  return credentials;
}

async function signOut(): Promise<void> {
  await browser.context.clearCookies();
}

beforeAll(async () => {
  [server, callback] = await Promise.all([startDevServer({ host: 'localhost' }), startCallbackServer()]);
  browser = await launchChromium();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
  });
  cdp = await browser.context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  }));
});

afterAll(async () => {
  await Promise.all([browser?.close(), server?.stop(), new Promise((resolve) => callback?.server.close(resolve))]);
});

describe('passkeys in Chromium', () => {
  it('serves @simplewebauthn/browser as the installed package has it', async () => {
    const served = await fetch(`${server.issuer}/assets/simplewebauthn-browser.umd.min.js`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toMatch(/javascript/);
    const installed = await readFile(
      join(PROJECT_ROOT, 'node_modules/@simplewebauthn/browser/dist/bundle/index.umd.min.js'),
      'utf8',
    );
    expect(await served.text()).toBe(installed);
  });

  it('creates a passkey-only account, then signs in with that passkey by autofill (conditional mediation)', async () => {
    const username = newUsername('pk');
    await page.goto(`${server.issuer}/signup`);
    await page.locator('#passkey-username').fill(username);
    await Promise.all([
      page.waitForURL(`${server.issuer}/account`),
      page.getByRole('button', { name: 'Create account with a passkey' }).click(),
    ]);
    expect(await page.content()).toContain(`<dd>${username}</dd>`);
    const [credential] = await storedCredentials();
    expect(credential).toMatchObject({ isResidentCredential: true });

    // Signed out, the login page starts conditional mediation on load; the virtual authenticator (presence simulated)
    // answers it as a person picking the passkey from the username field's autofill would.
    await signOut();
    await page.goto(`${server.issuer}/login`);
    await page.waitForURL(`${server.issuer}/account`);
    expect(await page.content()).toContain(`<dd>${username}</dd>`);

    await page.goto(`${server.issuer}/account/security`);
    await page.getByRole('heading', { name: 'Passkeys' }).waitFor();
    expect(await page.getByRole('button', { name: /^Remove / }).count()).toBe(1);
    expect(cspViolations).toEqual([]);
  });

  it('adds a passkey to a password account, and an OIDC code flow signed in by it states amr and acr', async () => {
    // The first test's passkey would answer the login page's conditional mediation: this test starts without it.
    await cdp.send('WebAuthn.clearCredentials', { authenticatorId });
    const username = newUsername('pw');
    const password = generateOpaqueToken(12);
    await postJson(server.issuer, '/signup', { username, password });
    await signOut();
    await page.goto(`${server.issuer}/login?return_to=%2Faccount%2Fsecurity`);
    await Promise.all([
      page.waitForURL(`${server.issuer}/account/security`),
      submitLoginForm(page, username, password),
    ]);
    await page.getByLabel('Name', { exact: true }).fill('E2E laptop');
    await Promise.all([
      page.waitForURL(`${server.issuer}/account/security`),
      page.getByRole('button', { name: 'Add a passkey' }).click(),
    ]);
    await page.getByText('E2E laptop', { exact: true }).waitFor();
    expect(await storedCredentials()).toHaveLength(1);

    const redirectUri = `${callback.origin}/callback`;
    const registered = await postJson(server.issuer, '/oauth/register', {
      client_name: 'E2E passkey client',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      redirect_uris: [redirectUri],
      scope: 'openid',
    });
    const clientId = registered.client_id as string;
    const verifier = generateOpaqueToken();
    const nonce = generateOpaqueToken(9);
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      scope: 'openid',
      state: 'passkey-state',
      nonce,
      code_challenge: await s256(verifier),
      code_challenge_method: 'S256',
    });

    // A browser without conditional mediation: the login page shows the button only, and the person presses it.
    await signOut();
    await page.addInitScript('PublicKeyCredential.isConditionalMediationAvailable = async () => false;');
    await page.goto(`${server.issuer}/oauth/authorize?${query}`);
    expect(new URL(page.url()).pathname).toBe('/login');
    const signInStarted = Math.floor(Date.now() / 1000);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('heading', { name: 'E2E passkey client wants to access your account' }).waitFor();
    const landing = await allowAndLand(page, callback.origin);
    expect(landing.get('state')).toBe('passkey-state');
    const payload = await redeemForIdToken({
      issuer: server.issuer,
      clientId,
      code: landing.get('code')!,
      redirectUri,
      verifier,
    });
    expect(payload).toMatchObject({ nonce, amr: ['pop', 'user', 'mfa'], acr: 'phr' });
    expect(payload.auth_time).toBeGreaterThanOrEqual(signInStarted - 1);
    expect(cspViolations).toEqual([]);
  });
});
