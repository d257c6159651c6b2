// Federation in a real browser (Debian's Chromium through playwright-core): an authorization request to Portcullis
// under `wrangler dev`, "Continue with Node OIDC" on its login page, node-oidc-provider's own login and consent pages
// on another loopback port, back to Portcullis's consent page and the client with a code. The ID Token states the
// federated sign-in (amr fed), and the account's security page shows the provider linked.
import type { Server } from 'node:http';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/free-port';
import { s256 } from '../../src/oauth/pkce';
import { generateOpaqueToken } from '../../src/tokens/opaque';
import { OIDC_PROVIDER_CLIENT_ID, OIDC_PROVIDER_CLIENT_SECRET } from '../helpers/upstream-clients';
import { startOidcProviderUpstream, type RunningUpstream } from '../setup/oidc-provider-upstream';
import { allowAndLand, redeemForIdToken } from './code-flow';
import { launchChromium, startCallbackServer, type Chromium } from './chromium';
import { postJson, startDevServer, type DevServer } from './dev-server';

let server: DevServer;
let upstream: RunningUpstream;
let callback: { origin: string; server: Server };
let browser: Chromium;
let page: Page;
const cspViolations: string[] = [];

beforeAll(async () => {
  // The upstream's port first: Portcullis is configured with its issuer, the upstream with Portcullis's callback.
  const upstreamIssuer = `http://127.0.0.1:${await freePort()}`;
  const providers = {
    node: {
      name: 'Node OIDC',
      issuer: upstreamIssuer,
      client_id: OIDC_PROVIDER_CLIENT_ID,
      client_secret_binding: 'UPSTREAM_NODE_CLIENT_SECRET',
      scopes: ['openid', 'email', 'profile'],
    },
  };
  [server, callback] = await Promise.all([
    startDevServer({
      settings: {
        UPSTREAM_PROVIDERS: JSON.stringify(providers),
        UPSTREAM_NODE_CLIENT_SECRET: OIDC_PROVIDER_CLIENT_SECRET,
      },
    }),
    startCallbackServer(),
  ]);
  upstream = await startOidcProviderUpstream(
    () => [`${server.issuer}/upstream/node/callback`],
    Number(new URL(upstreamIssuer).port),
  );
  browser = await launchChromium();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('console', (message) => {
    // Only Portcullis's pages: the upstream's are not this project's.
    if (message.text().includes('Content Security Policy') && message.location().url.startsWith(server.issuer)) {
      cspViolations.push(message.text());
    }
  });
});

afterAll(async () => {
  await Promise.all([
    browser?.close(),
    server?.stop(),
    upstream?.close(),
    new Promise((resolve) => callback?.server.close(resolve)),
  ]);
});

describe('sign-in through an upstream OpenID provider in Chromium', () => {
  it('signs in at node-oidc-provider from the login page and returns to the authorization request', async () => {
    const redirectUri = `${callback.origin}/callback`;
    const registered = await postJson(server.issuer, '/oauth/register', {
      client_name: 'Federated app',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      redirect_uris: [redirectUri],
      scope: 'openid profile',
    });
    const clientId = registered.client_id as string;
    const verifier = generateOpaqueToken();
    const query = {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      scope: 'openid profile',
      state: 'federated',
      nonce: 'n-federated',
      code_challenge: await s256(verifier),
      code_challenge_method: 'S256',
    };
    await page.goto(`${server.issuer}/oauth/authorize?${new URLSearchParams(query)}`);
    expect(new URL(page.url()).pathname).toBe('/login');

    await page.getByRole('link', { name: 'Continue with Node OIDC' }).click();
    // node-oidc-provider's development login page: any login name is an account.
    await page.waitForURL((address) => address.origin === upstream.url);
    const login = `ada${generateOpaqueToken(4)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, 'x')}`;
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();

    // Back at Portcullis, signed in, at the consent page of the original request.
    await page.getByRole('heading', { name: 'Federated app wants to access your account' }).waitFor();
    const landing = await allowAndLand(page, callback.origin);
    expect(landing.get('state')).toBe('federated');
    const payload = await redeemForIdToken({
      issuer: server.issuer,
      clientId,
      code: landing.get('code')!,
      redirectUri,
      verifier,
    });
    expect(payload).toMatchObject({ amr: ['fed'], acr: 'urn:portcullis:acr:upstream', nonce: 'n-federated' });

    // The new account is the upstream account's: named after it, with the provider linked and no password.
    await page.goto(`${server.issuer}/account/security`);
    await page.getByRole('heading', { name: 'Linked sign-in providers' }).waitFor();
    expect(await page.locator('section[aria-labelledby="upstream-heading"] li').textContent()).toContain(
      'linked since',
    );
    await page.goto(`${server.issuer}/account`);
    expect(await page.content()).toContain(login);
    expect(cspViolations).toEqual([]);
  });
});
