// A real browser (Debian's Chromium through playwright-core) against the Worker under `wrangler dev`: sign-in, consent
// and the redirect back with a code, redeemed from Node with PKCE and checked as a relying party would; then silent
// re-authorization (prompt=none) and RP-initiated logout in the same browser, which hold only if its cookies and the
// pages' CSP (form-action to the client) work as they do in a browser. The second test is the conformance suite's way
// in (docs/conformance.md): a client registered without scope, the /account profile, the tolerated parameters.
import type { Server } from 'node:http';
import { base64url, createRemoteJWKSet, jwtVerify } from 'jose';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s256 } from '../../src/oauth/pkce';
import { generateOpaqueToken } from '../../src/tokens/opaque';
import { createVerifier } from '@portcullis/verify';
import { launchChromium, startCallbackServer, submitLoginForm, type Chromium } from './chromium';
import { postJson, startDevServer, type DevServer } from './dev-server';

const CLIENT_NAME = 'E2E single-page app';

let server: DevServer;
let callback: { origin: string; server: Server };
let browser: Chromium;
let page: Page;
/** What the browser reported as blocked by a Content-Security-Policy: nothing, if the pages' CSP fits their forms. */
const cspViolations: string[] = [];

/** Does `navigate` and waits until the browser is back at the client; the parameters it brought. */
async function landAtClient(navigate: () => Promise<unknown>): Promise<URLSearchParams> {
  await Promise.all([page.waitForURL((address) => address.origin === callback.origin), navigate()]);
  return new URL(page.url()).searchParams;
}

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

describe('the code flow in Chromium', () => {
  it('signs in, consents, returns a code that redeems for verified tokens, re-authorizes silently and logs out', async () => {
    const username = `e2e_${generateOpaqueToken(6)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, 'x')}`;
    const password = generateOpaqueToken(12);
    await postJson(server.issuer, '/signup', { username, password });
    const redirectUri = `${callback.origin}/callback`;
    const registered = await postJson(server.issuer, '/oauth/register', {
      client_name: CLIENT_NAME,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [`${callback.origin}/signed-out`],
      scope: 'openid profile offline_access read',
    });
    const clientId = registered.client_id as string;

    const verifier = generateOpaqueToken();
    const nonce = generateOpaqueToken(9);
    const query = {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      scope: 'openid profile offline_access read',
      state: 'e2e-state',
      nonce,
      code_challenge: await s256(verifier),
      code_challenge_method: 'S256',
    };
    const authorizeUrl = `${server.issuer}/oauth/authorize?${new URLSearchParams(query)}`;

    // Signed out: the login page, then back to the request and its consent page.
    await page.goto(authorizeUrl);
    expect(new URL(page.url()).pathname).toBe('/login');
    await submitLoginForm(page, username, password);
    await page.getByRole('heading', { name: `${CLIENT_NAME} wants to access your account` }).waitFor();
    expect(await page.getByRole('listitem').allTextContents()).toEqual([
      'Know who you are (your account identifier)',
      'See your profile: username, name, nickname, picture, website, language and time zone',
      'Keep access while you are not using it, until you revoke it',
      'Read your data',
    ]);
    const landing = await landAtClient(() => page.getByRole('button', { name: 'Allow' }).click());
    expect(Object.fromEntries(landing)).toEqual({ code: expect.any(String), state: 'e2e-state', iss: server.issuer });

    // The client redeems the code from its own side, with the PKCE verifier.
    const tokenResponse = await fetch(`${server.issuer}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: clientId,
        code: landing.get('code')!,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      }),
    });
    expect(tokenResponse.status).toBe(200);
    const tokens = (await tokenResponse.json()) as {
      access_token: string;
      id_token: string;
      refresh_token: string;
      scope: string;
    };
    expect(tokens.scope).toBe('openid profile offline_access read');
    const verify = createVerifier({
      issuer: server.issuer,
      audience: `${server.issuer}/api`,
      jwksUri: `${server.issuer}/.well-known/jwks.json`,
    });
    expect(await verify(tokens.access_token)).toMatchObject({ client_id: clientId, scope: tokens.scope });
    const { payload } = await jwtVerify(
      tokens.id_token,
      createRemoteJWKSet(new URL(`${server.issuer}/.well-known/jwks.json`)),
      { issuer: server.issuer, audience: clientId },
    );
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(tokens.access_token)));
    expect(payload).toMatchObject({
      nonce,
      azp: clientId,
      at_hash: base64url.encode(digest.slice(0, 16)),
    });
    // OIDC Core §5.4: the profile claims come from userinfo, since an access token was issued.
    const userinfo = await fetch(`${server.issuer}/oauth/userinfo`, {
      headers: { Authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await userinfo.json()).toMatchObject({ sub: payload.sub, preferred_username: username });

    // Consent is remembered and the session cookie is sent: prompt=none answers with a code straight away.
    const silentUrl = `${server.issuer}/oauth/authorize?${new URLSearchParams({ ...query, prompt: 'none', state: 'silent' })}`;
    expect(Object.fromEntries(await landAtClient(() => page.goto(silentUrl)))).toEqual({
      code: expect.any(String),
      state: 'silent',
      iss: server.issuer,
    });

    // RP-initiated logout with the ID Token as hint ends the session without a question, then prompt=none fails.
    const logoutUrl = `${server.issuer}/oauth/logout?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: `${callback.origin}/signed-out`, state: 'bye' })}`;
    expect(Object.fromEntries(await landAtClient(() => page.goto(logoutUrl)))).toEqual({ state: 'bye' });
    expect(new URL(page.url()).pathname).toBe('/signed-out');
    expect(Object.fromEntries(await landAtClient(() => page.goto(silentUrl)))).toEqual({
      error: 'login_required',
      error_description: 'the user must sign in',
      state: 'silent',
      iss: server.issuer,
    });
    expect(cspViolations).toEqual([]);
  });

  it('serves a client registered as the conformance suite registers, with no scope: profile, claims, logout', async () => {
    const username = `suite_${generateOpaqueToken(6)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, 'x')}`;
    const password = generateOpaqueToken(12);
    await postJson(server.issuer, '/signup', { username, password });
    const redirectUri = `${callback.origin}/suite-callback`;
    // OIDCCCreateDynamicClientRegistrationRequest: OIDC Registration metadata, which has no scope member.
    const registered = await postJson(server.issuer, '/oauth/register', {
      client_name: 'E2E conformance suite',
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
      response_types: ['code'],
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [`${callback.origin}/post_logout_redirect`],
      contacts: ['certification@oidf.org'],
    });
    const clientId = registered.client_id as string;
    const basic = `Basic ${btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(registered.client_secret as string)}`)}`;

    // The profile the user keeps on /account, released by the profile scope.
    await page.goto(`${server.issuer}/login?return_to=%2Faccount`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Full name').fill('Buffy Summers');
    await page.getByLabel('Time zone (such as Europe/Paris)').fill('America/Los_Angeles');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Your profile is saved.').waitFor();

    // Tolerated and honoured parameters in one request: display, ui_locales, login_hint, acr_values, claims.
    const nonce = generateOpaqueToken(9);
    const authorizeUrl = `${server.issuer}/oauth/authorize?${new URLSearchParams({
      client_id: clientId,
      redirect_uri: redirectUri,
      scope: 'openid profile',
      state: 'suite-state',
      nonce,
      response_type: 'code',
      display: 'popup',
      ui_locales: 'se',
      prompt: 'login',
      login_hint: username,
      acr_values: 'urn:portcullis:acr:password',
      claims: JSON.stringify({ id_token: { name: { essential: true } } }),
      extra: 'foobar',
    })}`;
    await page.goto(authorizeUrl);
    expect(await page.getByLabel('Username').inputValue()).toBe(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const landing = await landAtClient(() => page.getByRole('button', { name: 'Allow' }).click());
    expect(landing.get('state')).toBe('suite-state');

    const tokenResponse = await fetch(`${server.issuer}/oauth/token`, {
      method: 'POST',
      headers: { Authorization: basic },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: landing.get('code')!,
        redirect_uri: redirectUri,
      }),
    });
    expect(tokenResponse.status).toBe(200);
    const tokens = (await tokenResponse.json()) as { access_token: string; id_token: string };
    const { payload } = await jwtVerify(
      tokens.id_token,
      createRemoteJWKSet(new URL(`${server.issuer}/.well-known/jwks.json`)),
      { issuer: server.issuer, audience: clientId, algorithms: ['RS256'] },
    );
    expect(payload).toMatchObject({ nonce, name: 'Buffy Summers', acr: 'urn:portcullis:acr:password', amr: ['pwd'] });
    const userinfo = await fetch(`${server.issuer}/oauth/userinfo`, {
      headers: { Authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await userinfo.json()).toMatchObject({
      sub: payload.sub,
      name: 'Buffy Summers',
      zoneinfo: 'America/Los_Angeles',
      preferred_username: username,
      updated_at: expect.any(Number),
    });

    // oidcc-rp-initiated-logout: back with state, then prompt=none must fail.
    const logoutUrl = `${server.issuer}/oauth/logout?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: `${callback.origin}/post_logout_redirect`, state: 'suite-bye' })}`;
    expect(Object.fromEntries(await landAtClient(() => page.goto(logoutUrl)))).toEqual({ state: 'suite-bye' });
    const silent = `${server.issuer}/oauth/authorize?${new URLSearchParams({ client_id: clientId, redirect_uri: redirectUri, scope: 'openid', response_type: 'code', prompt: 'none', state: 's' })}`;
    expect((await landAtClient(() => page.goto(silent))).get('error')).toBe('login_required');
    expect(cspViolations).toEqual([]);
  });
});
