// Interop with openid-client (panva), unmodified and with its strict defaults, against the Worker under `wrangler dev`:
// the device authorization grant (RFC 8628) with the user's step done in Chromium on the /device page, and JWT client
// authentication (RFC 7523): PrivateKeyJwt() with keys served from the client's jwks_uri, and ClientSecretJwt().
import { createServer, type Server } from 'node:http';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOpaqueToken } from '../../src/tokens/opaque';
import { freePort } from '../../scripts/lib/free-port';
import { signingKeyPair, type SigningKeyPair } from '../fixtures/jwt-client';
import { createVerifier } from '../../src/verify';
import { launchChromium, type Chromium } from './chromium';
import { startDevServer, type DevServer } from './dev-server';

const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

let server: DevServer;
let browser: Chromium;

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

    const { page } = browser;
    const response = await page.goto(authorization.verification_uri_complete!);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
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
    expect(browser.cspViolations).toEqual([]);
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
