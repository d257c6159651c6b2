// Interop with openid-client (panva), unmodified and with its strict defaults, against the Worker under `wrangler dev`:
// the device authorization grant (RFC 8628) with the user's step done in Chromium on the /device page, and JWT client
// authentication (RFC 7523): PrivateKeyJwt() with keys served from the client's jwks_uri, and ClientSecretJwt(); and the
// code flow started with buildAuthorizationUrlWithPAR (RFC 9126) and buildAuthorizationUrlWithJAR (RFC 9101), the user
// signing in and consenting in Chromium, the code redeemed with authorizationCodeGrant.
import { createServer, type Server } from 'node:http';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOpaqueToken } from '../../src/tokens/opaque';
import { freePort } from '../../scripts/lib/free-port';
import { signingKeyPair, type SigningKeyPair } from '../fixtures/jwt-client';
import { createVerifier } from '@portcullis/verify';
import type { Page } from 'playwright-core';
import { launchChromium, startCallbackServer, submitLoginForm, type Chromium } from './chromium';
import { startDevServer, type DevServer } from './dev-server';

const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

let server: DevServer;
let browser: Chromium;
let page: Page;
/** What the browser reported as blocked by a Content-Security-Policy: nothing, if the pages' CSP fits their forms. */
const cspViolations: string[] = [];

async function postJson(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.issuer}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return response.json() as Promise<Record<string, unknown>>;
}

/** openid-client's configuration for a client of the local issuer (plain http is loopback-only here). */
function discover(clientId: string, auth: client.ClientAuth, metadata: Partial<client.ClientMetadata> = {}) {
  return client.discovery(new URL(server.issuer), clientId, metadata, auth, {
    execute: [client.allowInsecureRequests],
  });
}

async function signUp(): Promise<{ username: string; password: string }> {
  const username = `e2e_${generateOpaqueToken(6)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}`;
  const password = generateOpaqueToken(12);
  await postJson('/signup', { username, password });
  return { username, password };
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startDevServer(), launchChromium()]);
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('openid-client against Portcullis', () => {
  it('runs the device flow: initiateDeviceAuthorization, the user on /device in Chromium, pollDeviceAuthorizationGrant', async () => {
    const { username, password } = await signUp();
    const registered = await postJson('/oauth/register', {
      client_name: 'E2E TV app',
      token_endpoint_auth_method: 'none',
      grant_types: [DEVICE_CODE_GRANT_TYPE, 'refresh_token'],
      scope: 'openid profile offline_access read',
    });
    const config = await discover(registered.client_id as string, client.None());
    const authorization = await client.initiateDeviceAuthorization(config, { scope: 'openid offline_access read' });
    const polling = client.pollDeviceAuthorizationGrant(config, authorization);

    const response = await page.goto(authorization.verification_uri_complete!);
    expect(new URL(page.url()).pathname).toBe('/login');
    await submitLoginForm(page, username, password);
    await page.getByRole('heading', { name: 'Connect a device' }).waitFor();
    expect(await page.getByLabel('Enter the code shown on your device.').inputValue()).toBe(authorization.user_code);
    const entry = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/device')),
      page.getByRole('button', { name: 'Continue' }).click(),
    ]);
    expect(entry[0].headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await page.getByRole('heading', { name: 'E2E TV app on a device wants to access your account' }).waitFor();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByRole('heading', { name: 'Device connected' }).waitFor();
    expect(response?.status()).toBe(200);

    const tokens = await polling;
    expect(tokens.scope).toBe('openid offline_access read');
    expect(tokens.claims()?.sub).toEqual(expect.any(String));
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const verify = createVerifier({
      issuer: server.issuer,
      audience: `${server.issuer}/api`,
      jwksUri: `${server.issuer}/.well-known/jwks.json`,
    });
    expect(await verify(tokens.access_token)).toMatchObject({
      client_id: registered.client_id,
      sub: tokens.claims()?.sub,
    });
    expect(cspViolations).toEqual([]);
  });
});

/** The client's own JWKS endpoint (loopback http: the issuer under wrangler dev is local too). */
async function serveJwks(current: () => SigningKeyPair): Promise<{ uri: string; server: Server }> {
  const port = await freePort();
  const jwksServer = createServer((_, response) =>
    response
      .writeHead(200, { 'Content-Type': 'application/jwk-set+json' })
      .end(JSON.stringify({ keys: [current().publicJwk] })),
  );
  await new Promise<void>((resolve) => jwksServer.listen(port, '127.0.0.1', resolve));
  return { uri: `http://127.0.0.1:${port}/jwks.json`, server: jwksServer };
}

describe('openid-client client authentication with JWTs (RFC 7523)', () => {
  it('authenticates with PrivateKeyJwt() and keys at a jwks_uri', async () => {
    const key = await signingKeyPair('ES256');
    const jwks = await serveJwks(() => key);
    try {
      const registered = await postJson('/oauth/register', {
        token_endpoint_auth_method: 'private_key_jwt',
        grant_types: ['client_credentials'],
        jwks_uri: jwks.uri,
        scope: 'read',
      });
      const clientId = registered.client_id as string;
      const config = await discover(clientId, client.PrivateKeyJwt({ key: key.privateKey, kid: key.publicJwk.kid }));
      const tokens = await client.clientCredentialsGrant(config, { scope: 'read' });
      expect(tokens.token_type).toBe('bearer');
      // A second assertion (a new jti) works too; the replayed one is refused in test/http/client-assertion.test.ts.
      expect((await client.clientCredentialsGrant(config, { scope: 'read' })).scope).toBe('read');
    } finally {
      await new Promise((resolve) => jwks.server.close(resolve));
    }
  });

  it('authenticates with ClientSecretJwt()', async () => {
    const registered = await postJson('/oauth/register', {
      token_endpoint_auth_method: 'client_secret_jwt',
      grant_types: ['client_credentials'],
      scope: 'read',
    });
    const config = await discover(
      registered.client_id as string,
      client.ClientSecretJwt(registered.client_secret as string),
    );
    const tokens = await client.clientCredentialsGrant(config, { scope: 'read' });
    expect(tokens.scope).toBe('read');
  });
});

/** The relying party's callback (chromium.ts), at /callback. */
async function serveCallback(): Promise<{ uri: string; server: Server }> {
  const { origin, server: callbackServer } = await startCallbackServer();
  return { uri: `${origin}/callback`, server: callbackServer };
}

describe('openid-client authorization requests by reference and by value', () => {
  let callback: { uri: string; server: Server };
  let user: { username: string; password: string };

  beforeAll(async () => {
    [callback, user] = await Promise.all([serveCallback(), signUp()]);
  });

  afterAll(async () => {
    await new Promise((resolve) => callback?.server.close(resolve));
  });

  /** Opens the authorization URL, signs in if asked to, allows, and returns the URL the browser lands on. */
  async function authorizeInBrowser(url: URL, clientName: string): Promise<URL> {
    await page.goto(url.href);
    // The browser may still be signed in from an earlier test.
    if (new URL(page.url()).pathname === '/login') await submitLoginForm(page, user.username, user.password);
    await page.getByRole('heading', { name: `${clientName} wants to access your account` }).waitFor();
    await Promise.all([
      page.waitForURL((address) => address.href.startsWith(callback.uri)),
      page.getByRole('button', { name: 'Allow' }).click(),
    ]);
    return new URL(page.url());
  }

  async function registerCodeClient(name: string, extra: Record<string, unknown>) {
    return postJson('/oauth/register', {
      client_name: name,
      grant_types: ['authorization_code'],
      redirect_uris: [callback.uri],
      scope: 'openid read',
      ...extra,
    });
  }

  it('pushes the request with buildAuthorizationUrlWithPAR and redeems the code', async () => {
    const registered = await registerCodeClient('E2E PAR app', { require_pushed_authorization_requests: true });
    const config = await discover(
      registered.client_id as string,
      client.ClientSecretBasic(registered.client_secret as string),
    );
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = await client.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: callback.uri,
      scope: 'openid read',
      state,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    const landed = await authorizeInBrowser(url, 'E2E PAR app');
    const tokens = await client.authorizationCodeGrant(config, landed, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.scope).toBe('openid read');
    expect(tokens.claims()?.sub).toEqual(expect.any(String));
    expect(cspViolations).toEqual([]);
  });

  it('signs the request with buildAuthorizationUrlWithJAR and redeems the code', async () => {
    const key = await signingKeyPair('ES256');
    const registered = await registerCodeClient('E2E JAR app', {
      jwks: { keys: [key.publicJwk] },
      require_signed_request_object: true,
    });
    const config = await discover(
      registered.client_id as string,
      client.ClientSecretBasic(registered.client_secret as string),
    );
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const url = await client.buildAuthorizationUrlWithJAR(
      config,
      {
        redirect_uri: callback.uri,
        scope: 'openid read',
        nonce,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      },
      { key: key.privateKey, kid: key.publicJwk.kid },
    );
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request']);
    const landed = await authorizeInBrowser(url, 'E2E JAR app');
    const tokens = await client.authorizationCodeGrant(config, landed, {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
    });
    expect(tokens.claims()?.nonce).toBe(nonce);
  });
});
