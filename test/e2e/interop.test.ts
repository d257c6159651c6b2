// Interoperability against the running issuer (`wrangler dev`), each library with its strict defaults: openid-client
// as a Node backend (discovery, code + PKCE with the login in Chromium, the ID Token, RFC 9207 `iss`, userinfo,
// refresh, revocation, introspection); oauth4webapi (client_credentials, then its RFC 9068 resource-server check
// validateJwtAccessToken); jose's createRemoteJWKSet against the published JWKS; and Python's Authlib (Debian's
// python3-authlib) running examples/python-authlib/client.py. The one relaxation: the issuer is plain http on
// loopback, which openid-client and oauth4webapi refuse unless told (allowInsecureRequests); jose does not check.
import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import * as openid from 'openid-client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../scripts/lib/process';
import { generateOpaqueToken } from '../../src/tokens/opaque';
import { launchChromium, startCallbackServer, submitLoginForm, type Chromium } from './chromium';
import { postJson, startDevServer, type DevServer } from './dev-server';

const run = promisify(execFile);
/** Debian's interpreter, where apt installs python3-authlib (scripts/ensure-test-tools.sh). */
const DEBIAN_PYTHON = '/usr/bin/python3';

let server: DevServer;
let browser: Chromium;
let callback: { origin: string; server: Server };
let service: { id: string; secret: string };
const username = `interop_${generateOpaqueToken(6)
  .toLowerCase()
  .replace(/[^a-z0-9]/g, 'x')}`;
const password = generateOpaqueToken(12);

beforeAll(async () => {
  [server, browser, callback] = await Promise.all([startDevServer(), launchChromium(), startCallbackServer()]);
  await postJson(server.issuer, '/signup', { username, password });
  const registered = await postJson(server.issuer, '/oauth/register', {
    client_name: 'Interop service',
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'read write',
  });
  service = { id: registered.client_id as string, secret: registered.client_secret as string };
});

afterAll(async () => {
  await Promise.all([browser?.close(), server?.stop(), new Promise((resolve) => callback?.server.close(resolve))]);
});

/** Opens the authorization URL, signs in, allows, and returns the address the browser came back to. */
async function authorizeInBrowser(page: Page, authorizationUrl: URL): Promise<URL> {
  await page.goto(authorizationUrl.href);
  await submitLoginForm(page, username, password);
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForURL((url) => url.origin === callback.origin);
  return new URL(page.url());
}

describe('openid-client (Node backend)', () => {
  it('signs in with code + PKCE, validates the ID Token, reads userinfo, refreshes, revokes and introspects', async () => {
    const redirectUri = `${callback.origin}/callback`;
    const registered = await postJson(server.issuer, '/oauth/register', {
      client_name: 'Interop backend',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'openid profile offline_access read',
    });
    // --- README "Use it from your app": Node backend (openid-client) ---
    const config = await openid.discovery(
      new URL(server.issuer),
      registered.client_id as string,
      undefined,
      openid.ClientSecretBasic(registered.client_secret as string), // as registered
      { execute: [openid.allowInsecureRequests] }, // only because the local issuer is http://127.0.0.1
    );
    const codeVerifier = openid.randomPKCECodeVerifier();
    const state = openid.randomState();
    const nonce = openid.randomNonce();
    const authorizationUrl = openid.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile offline_access read',
      code_challenge: await openid.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    // ... the user signs in and allows; the browser comes back to redirectUri with the code:
    const callbackUrl = await authorizeInBrowser(browser.context.pages()[0]!, authorizationUrl);
    const tokens = await openid.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: codeVerifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    const claims = tokens.claims()!;
    const userinfo = await openid.fetchUserInfo(config, tokens.access_token, claims.sub);
    const refreshed = await openid.refreshTokenGrant(config, tokens.refresh_token!);
    await openid.tokenRevocation(config, refreshed.refresh_token!);
    // --- end of snippet ---

    expect(callbackUrl.searchParams.get('iss')).toBe(server.issuer);
    expect(claims).toMatchObject({ iss: server.issuer, aud: registered.client_id, nonce });
    expect(userinfo).toMatchObject({ sub: claims.sub, preferred_username: username });
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    await expect(openid.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    const serviceConfig = await openid.discovery(
      new URL(server.issuer),
      service.id,
      undefined,
      openid.ClientSecretBasic(service.secret),
      { execute: [openid.allowInsecureRequests] },
    );
    // The snippet revoked the refresh token, and with it the grant: the issuer's own introspection now calls the
    // grant's access tokens inactive (docs/conformance.md, which endpoints see revocation).
    expect(await openid.tokenIntrospection(serviceConfig, refreshed.access_token)).toEqual({ active: false });
  });
});

describe('oauth4webapi (Node)', () => {
  it('gets a client_credentials token and validates it as an RFC 9068 access token', async () => {
    const issuer = new URL(server.issuer);
    const options = { [oauth.allowInsecureRequests]: true }; // http on loopback only
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, options));
    const client = { client_id: service.id };
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic(service.secret),
      new URLSearchParams({ scope: 'read' }),
      options,
    );
    const tokens = await oauth.processClientCredentialsResponse(as, client, response);
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'read' });

    const request = new Request(`${server.issuer}/api/unicorns`, {
      headers: { Authorization: `Bearer ${tokens.access_token}` },
    });
    const claims = await oauth.validateJwtAccessToken(as, request, `${server.issuer}/api`, options);
    expect(claims).toMatchObject({ iss: server.issuer, client_id: service.id, sub: service.id, scope: 'read' });
    expect((await fetch(request)).status).toBe(200);
  });
});

describe("jose's createRemoteJWKSet", () => {
  it('verifies an access token against the published JWKS with typ at+jwt', async () => {
    const response = await fetch(`${server.issuer}/oauth/token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${btoa(`${service.id}:${service.secret}`)}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read write' }),
    });
    const { access_token: accessToken } = (await response.json()) as { access_token: string };
    const jwks = createRemoteJWKSet(new URL(`${server.issuer}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(accessToken, jwks, {
      issuer: server.issuer,
      audience: `${server.issuer}/api`,
      typ: 'at+jwt',
      algorithms: ['ES256'],
    });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'at+jwt', kid: expect.any(String) });
    expect(payload).toMatchObject({ client_id: service.id, scope: 'read write', jti: expect.any(String) });
  });
});

describe('Authlib (Python backend)', () => {
  it('runs examples/python-authlib/client.py: client_credentials, JWT check, form POST to the API, revocation', async () => {
    const { stdout } = await run(DEBIAN_PYTHON, [join(PROJECT_ROOT, 'examples/python-authlib/client.py')], {
      env: {
        PATH: process.env.PATH,
        PORTCULLIS_ISSUER: server.issuer,
        CLIENT_ID: service.id,
        CLIENT_SECRET: service.secret,
      },
    });
    const result = JSON.parse(stdout) as { created: Record<string, unknown>; listed: string[] };
    expect(result).toMatchObject({
      scope: 'read write',
      client_id: service.id,
      listed: expect.arrayContaining(['djangounchained']),
    });
    expect(result.created).toMatchObject({ name: 'djangounchained', age: 34, owner: service.id });
  });
});

/** fetchProtectedResource's last three arguments: no body, no extra headers, and the DPoP handle. */
const withDPoP = (DPoP: openid.DPoPHandle) => [undefined, undefined, { DPoP }] as const;

describe('openid-client with DPoP (RFC 9449, getDPoPHandle)', () => {
  const discover = (clientId: string, auth: openid.ClientAuth) =>
    openid.discovery(new URL(server.issuer), clientId, undefined, auth, { execute: [openid.allowInsecureRequests] });

  it('gets a DPoP-bound client_credentials token and calls the API with it; the copied token alone is refused', async () => {
    const config = await discover(service.id, openid.ClientSecretBasic(service.secret));
    const DPoP = openid.getDPoPHandle(config, await openid.randomDPoPKeyPair('ES256'));
    const tokens = await openid.clientCredentialsGrant(config, { scope: 'read' }, { DPoP });
    expect(tokens.token_type).toBe('dpop');

    const api = new URL(`${server.issuer}/api/unicorns`);
    expect(
      (await openid.fetchProtectedResource(config, tokens.access_token, api, 'GET', ...withDPoP(DPoP))).status,
    ).toBe(200);
    const asBearer = await fetch(api, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    expect(asBearer.status).toBe(401);
    // Another key of the same library cannot use it either.
    const thief = openid.getDPoPHandle(config, await openid.randomDPoPKeyPair('ES256'));
    await expect(
      openid.fetchProtectedResource(config, tokens.access_token, api, 'GET', ...withDPoP(thief)),
    ).rejects.toMatchObject({
      status: 401,
      cause: [{ scheme: 'bearer' }, { scheme: 'dpop', parameters: { error: 'invalid_dpop_proof' } }],
    });
  });

  it('signs in with code + PKCE and dpop_jkt, reads userinfo and refreshes, all DPoP-bound (public client)', async () => {
    const redirectUri = `${callback.origin}/callback`;
    const registered = await postJson(server.issuer, '/oauth/register', {
      client_name: 'Interop DPoP app',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
      dpop_bound_access_tokens: true,
      scope: 'openid profile offline_access read',
    });
    const config = await discover(registered.client_id as string, openid.None());
    const DPoP = openid.getDPoPHandle(config, await openid.randomDPoPKeyPair('EdDSA'));
    const codeVerifier = openid.randomPKCECodeVerifier();
    const state = openid.randomState();
    const nonce = openid.randomNonce();
    const authorizationUrl = openid.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile offline_access read',
      code_challenge: await openid.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      dpop_jkt: await DPoP.calculateThumbprint(),
      // The browser may still be signed in from another test; authorizeInBrowser expects the login form.
      prompt: 'login',
      state,
      nonce,
    });
    const callbackUrl = await authorizeInBrowser(browser.context.pages()[0]!, authorizationUrl);
    const tokens = await openid.authorizationCodeGrant(
      config,
      callbackUrl,
      { pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce },
      undefined,
      { DPoP },
    );
    expect(tokens.token_type).toBe('dpop');
    const claims = tokens.claims()!;
    const userinfo = await openid.fetchUserInfo(config, tokens.access_token, claims.sub, { DPoP });
    expect(userinfo).toMatchObject({ sub: claims.sub, preferred_username: username });

    const refreshed = await openid.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP });
    expect(refreshed.token_type).toBe('dpop');
    const api = new URL(`${server.issuer}/api/unicorns`);
    expect(
      (await openid.fetchProtectedResource(config, refreshed.access_token, api, 'GET', ...withDPoP(DPoP))).status,
    ).toBe(200);
    // §5.0: the public client's refresh token is bound to its key; another key cannot redeem it.
    const thief = openid.getDPoPHandle(config, await openid.randomDPoPKeyPair('EdDSA'));
    await expect(
      openid.refreshTokenGrant(config, refreshed.refresh_token!, undefined, { DPoP: thief }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
