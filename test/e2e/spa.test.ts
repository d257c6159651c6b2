// examples/spa in real Chromium: the static SPA served on its own loopback origin signs in through the issuer's real
// login and consent pages with oauth4webapi (code + PKCE, public client), exchanges the code cross-origin, reads
// userinfo, lists and creates unicorns on the sample API, refreshes, revokes and logs out (RP-initiated), every token
// DPoP-bound to a non-extractable key, and the copied access token refused everywhere else (RFC 9449). A second
// copy on an origin no client registered is blocked by the browser from reading the API. Screenshots of the login
// page, the consent page and the SPA are saved in test-results/spa/.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProofKey, signProof } from '../../packages/verify/test/dpop-proof';
import { freePort } from '../../scripts/lib/free-port';
import { PROJECT_ROOT } from '../../scripts/lib/process';
import { generateOpaqueToken } from '../../src/tokens/opaque';
import { launchChromium, submitLoginForm, type Chromium } from './chromium';
import { postJson, startDevServer, type DevServer } from './dev-server';

const SCREENSHOTS = join(PROJECT_ROOT, 'test-results', 'spa');
const SPA_READY_TIMEOUT_MS = 30_000;

interface SpaServer {
  origin: string;
  stop(): void;
}

let server: DevServer;
let spa: SpaServer;
let blockedSpa: SpaServer;
let browser: Chromium;
let clientId: string;
const username = `spa_${generateOpaqueToken(6)
  .toLowerCase()
  .replace(/[^a-z0-9]/g, 'x')}`;
const password = generateOpaqueToken(12);

/** `node examples/spa/serve.mjs` as a user runs it, on a loopback port. */
async function startSpa(port: number, issuer: string, client: string): Promise<SpaServer> {
  const args = ['--port', String(port), '--host', '127.0.0.1', '--issuer', issuer, '--client-id', client];
  const child: ChildProcess = spawn(process.execPath, [join(PROJECT_ROOT, 'examples/spa/serve.mjs'), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the SPA server did not start')), SPA_READY_TIMEOUT_MS);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('SPA on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', () => reject(new Error('the SPA server exited')));
  });
  return { origin: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

const logOf = (page: Page) => page.locator('#log').textContent();

/**
 * RFC 9449: the SPA's access token is DPoP-bound to a key the page cannot even export; copied out, it is refused as
 * Bearer, with the DPoP scheme but no proof, and with a proof of another key.
 */
async function expectCopiedTokenUseless(page: Page, copied: { access_token: string; token_type: string }) {
  expect(copied.token_type).toBe('DPoP');
  // A string, evaluated in the page: Node's types have no IndexedDB.
  const extractable = await page.evaluate(`new Promise((resolve) => {
    const opening = indexedDB.open('portcullis-spa', 1);
    opening.onsuccess = () => {
      const request = opening.result.transaction('keys').objectStore('keys').get('dpop');
      request.onsuccess = () => resolve(request.result.privateKey.extractable);
    };
  })`);
  expect(extractable).toBe(false);
  const api = `${server.issuer}/api/unicorns`;
  const call = (headers: Record<string, string>) => fetch(api, { headers }).then((response) => response.status);
  const thiefKey = await createProofKey();
  const thiefProof = await signProof(thiefKey, { htm: 'GET', htu: api, accessToken: copied.access_token });
  expect(await call({ Authorization: `Bearer ${copied.access_token}` })).toBe(401);
  expect(await call({ Authorization: `DPoP ${copied.access_token}` })).toBe(401);
  const stolen = await fetch(api, { headers: { Authorization: `DPoP ${copied.access_token}`, DPoP: thiefProof } });
  expect(stolen.status).toBe(401);
  expect(await stolen.json()).toEqual({
    error: 'invalid_dpop_proof',
    error_description: 'the DPoP proof is signed by another key than the one bound',
  });
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startDevServer(), launchChromium(), mkdir(SCREENSHOTS, { recursive: true })]);
  await postJson(server.issuer, '/signup', { username, password });
  // The client registers the SPA's origin, so the port is chosen first.
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const registered = await postJson(server.issuer, '/oauth/register', {
    client_name: 'Example SPA',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    redirect_uris: [`${origin}/callback`],
    post_logout_redirect_uris: [`${origin}/`],
    allowed_origins: [origin],
    scope: 'openid profile offline_access read write',
  });
  clientId = registered.client_id as string;
  [spa, blockedSpa] = await Promise.all([
    startSpa(port, server.issuer, clientId),
    freePort().then((other) => startSpa(other, server.issuer, clientId)),
  ]);
});

afterAll(async () => {
  spa?.stop();
  blockedSpa?.stop();
  await Promise.all([browser?.close(), server?.stop()]);
});

describe('examples/spa in Chromium', () => {
  it('signs in with code + PKCE, calls the API, refreshes, revokes and logs out', async () => {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(`${spa.origin}/`);
    await expect.poll(() => page.locator('#status').textContent()).toBe('Signed out');

    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.origin === server.issuer && url.pathname === '/login');
    await page.screenshot({ path: join(SCREENSHOTS, '1-login.png') });
    await submitLoginForm(page, username, password);
    await page.getByRole('heading', { name: 'Example SPA wants to access your account' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, '2-consent.png') });
    // The token response as anyone reading the network would copy it.
    const tokenResponse = page.waitForResponse(
      (response) => response.url() === `${server.issuer}/oauth/token` && response.request().method() === 'POST',
    );
    await page.getByRole('button', { name: 'Allow' }).click();
    const copied = (await (await tokenResponse).json()) as { access_token: string; token_type: string };

    // Back at the SPA: the code was exchanged cross-origin, userinfo read, the API listed.
    await page.waitForURL(`${spa.origin}/`);
    await expect.poll(() => page.locator('#status').textContent()).toBe('Signed in');
    expect(await page.locator('#user').textContent()).toBe(username);
    await expect.poll(() => logOf(page)).toContain('listed');
    await expectCopiedTokenUseless(page, copied);

    await page.getByLabel('Name').fill('djangounchained');
    await page.getByLabel('Age').fill('34');
    await page.getByRole('button', { name: 'Add unicorn' }).click();
    await expect.poll(() => page.locator('#unicorns li').allTextContents()).toContain('djangounchained, 34');

    await page.getByRole('button', { name: 'Refresh tokens' }).click();
    await expect.poll(() => logOf(page)).toContain('refreshed: new access and refresh tokens');
    // The API's challenge is readable from the allowed origin (Access-Control-Expose-Headers).
    const challenge = await page.evaluate(async (api) => {
      const response = await fetch(`${api}/unicorns`);
      return `${response.status} ${response.headers.get('www-authenticate')}`;
    }, `${server.issuer}/api`);
    expect(challenge).toMatch(
      /^401 Bearer realm=".*", resource_metadata=".*\/\.well-known\/oauth-protected-resource\/api", DPoP realm=".*", resource_metadata=".*", algs="ES256 EdDSA Ed25519 RS256 PS256"$/,
    );
    await page.screenshot({ path: join(SCREENSHOTS, '3-spa-signed-in.png') });

    await page.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => logOf(page)).toContain('revoked the refresh token');
    await page.getByRole('button', { name: 'Refresh tokens' }).click();
    await expect.poll(() => logOf(page)).toContain('(invalid_grant)');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.origin === spa.origin && url.searchParams.get('state') === 'signed-out');
    await expect.poll(() => logOf(page)).toContain('signed out at the issuer');
    expect(await page.locator('#status').textContent()).toBe('Signed out');
    await page.screenshot({ path: join(SCREENSHOTS, '4-spa-signed-out.png') });
  });

  it('blocks a page on an origin no client registered from reading the API', async () => {
    const page = await browser.context.newPage();
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (message.text().includes('blocked by CORS policy')) blocked.push(message.text());
    });
    await page.goto(`${blockedSpa.origin}/`);
    // Discovery is public (*), so the page starts; the API is another matter.
    await expect.poll(() => page.locator('#status').textContent()).toBe('Signed out');
    const outcomes = await page.evaluate(async (api) => {
      const attempt = (init: RequestInit) =>
        fetch(`${api}/unicorns`, init).then(
          (response) => `read ${response.status}`,
          (error: Error) => `${error.name}: ${error.message}`,
        );
      return [await attempt({}), await attempt({ headers: { Authorization: 'Bearer some-token' } })];
    }, `${server.issuer}/api`);
    expect(outcomes).toEqual(['TypeError: Failed to fetch', 'TypeError: Failed to fetch']);
    await expect.poll(() => blocked.length).toBeGreaterThanOrEqual(2);
    expect(blocked.every((text) => text.includes(`from origin '${blockedSpa.origin}'`))).toBe(true);
    // The API did answer; only the browser withheld it. From outside a browser the same request is a plain 401.
    expect((await fetch(`${server.issuer}/api/unicorns`, { headers: { Origin: blockedSpa.origin } })).status).toBe(401);
    await page.close();
  });
});
