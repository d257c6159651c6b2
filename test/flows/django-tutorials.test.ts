// The three tutorials Portcullis replaces, step by step, as README "From the Django tutorials" maps them: each request
// is the tutorial's own command (form bodies, `-u id:secret`, the unicorn `name=djangounchained&age=34`) sent to
// Portcullis's endpoints, in the tutorial's order. Django OAuth Toolkit's "Make a provider in a minute" (part 1),
// the "Guide to an OAuth2 API with Django", and the IAM tutorial's part 1 (DOT's "Getting started").
import { env } from 'cloudflare:test';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ALLOWED_ORIGINS_TTL_SECONDS } from '../../src/storage/origins';
import { hashOpaqueToken } from '../../src/tokens/opaque';
import { pkcePair } from '../helpers/authorization';
import { redirectParams, signedInBrowser, submitConsent, withQuery } from '../helpers/authorize';
import { createTestClient } from '../helpers/clients';
import { basicAuthorization, postForm, send } from '../helpers/http';

/** The tutorials' redirect URI: nothing listens there; the code is read from the address. */
const CALLBACK = 'http://127.0.0.1:8000/noexist/callback';
/** curl's -H "Cache-Control: no-cache", which the DOT tutorials send with every token request. */
const NO_CACHE = { 'Cache-Control': 'no-cache' };

interface Tokens {
  access_token: string;
  refresh_token: string;
  scope: string;
}

async function tokenResponse(response: Response): Promise<Tokens> {
  const body = await response.json<Tokens>();
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body;
}

/** Opens the authorization URL in a signed-in browser, allows, and reads the code from the redirect. */
async function authorize(
  browser: Awaited<ReturnType<typeof signedInBrowser>>['browser'],
  query: Record<string, string>,
) {
  const page = await browser.get(withQuery('/oauth/authorize', query));
  expect(page.status).toBe(200);
  return redirectParams(await submitConsent(browser, 'allow'), CALLBACK).code!;
}

afterAll(() => {
  vi.useRealTimers();
});

describe('Django OAuth Toolkit tutorial part 1: make a provider in a minute', () => {
  it('registers an app (CORS origin, hashed secret), runs code + PKCE with the secret in the body, refreshes', async () => {
    // Register an application: confidential, authorization code, the tutorial's redirect URI, a CORS origin.
    const registration = await send('/oauth/register', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        client_name: 'Provider in a minute',
        redirect_uris: [CALLBACK],
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'client_secret_post',
        allowed_origins: ['http://localhost:3000'],
        scope: 'read write',
      }),
    });
    expect(registration.status).toBe(201);
    const { client_id: ID, client_secret: SECRET } = await registration.json<{
      client_id: string;
      client_secret: string;
    }>();

    // "Hash client secret": only the SHA-256 of the secret is stored.
    const row = await env.DB.prepare('SELECT secret_hash FROM clients WHERE id = ?')
      .bind(ID)
      .first<{ secret_hash: string }>();
    expect(row?.secret_hash).toBe(await hashOpaqueToken(SECRET));

    // CORS allowed origins: a browser app on http://localhost:3000 may call the token endpoint.
    vi.setSystemTime(Date.now() + (ALLOWED_ORIGINS_TTL_SECONDS + 1) * 1000);
    const preflight = await send('/oauth/token', {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:3000', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');

    // Authorization code with PKCE: code_verifier and its S256 code_challenge, then the authorize URL in a browser.
    const { verifier: CODE_VERIFIER, challenge: CODE_CHALLENGE } = await pkcePair();
    const { browser } = await signedInBrowser();
    const CODE = await authorize(browser, {
      response_type: 'code',
      code_challenge: CODE_CHALLENGE,
      code_challenge_method: 'S256',
      client_id: ID,
      redirect_uri: CALLBACK,
    });

    // curl -X POST -H "Cache-Control: no-cache" -H "Content-Type: application/x-www-form-urlencoded" ".../oauth/token"
    //   -d "client_id=${ID}" -d "client_secret=${SECRET}" -d "code=${CODE}" -d "code_verifier=${CODE_VERIFIER}"
    //   -d "redirect_uri=http://127.0.0.1:8000/noexist/callback" -d "grant_type=authorization_code"
    const tokens = await tokenResponse(
      await postForm(
        '/oauth/token',
        {
          client_id: ID,
          client_secret: SECRET,
          code: CODE,
          code_verifier: CODE_VERIFIER,
          redirect_uri: CALLBACK,
          grant_type: 'authorization_code',
        },
        NO_CACHE,
      ),
    );
    expect(tokens.scope).toBe('read write');

    // The same endpoint with grant_type=refresh_token.
    const refreshed = await tokenResponse(
      await postForm(
        '/oauth/token',
        { grant_type: 'refresh_token', client_id: ID, client_secret: SECRET, refresh_token: tokens.refresh_token },
        NO_CACHE,
      ),
    );
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
  });
});

describe('Guide to an OAuth2 API with Django', () => {
  it('registers a user, gets password-grant tokens, refreshes, revokes, creates and lists unicorns', async () => {
    // The first-party app the guide creates in the Django admin: `npm start` seeds it as demo-first-party.
    const { client, secret } = await createTestClient({
      grantTypes: ['password', 'refresh_token'],
      scopes: ['read', 'write'],
    });
    const app = { Authorization: basicAuthorization(client.id, secret) };

    // Register a user.
    const username = `tutorial_${crypto.randomUUID().slice(0, 8)}`;
    const password = 'a long tutorial password';
    const signup = await send('/signup', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    expect(signup.status).toBe(201);

    // curl -X POST -d "grant_type=password&username=<user_name>&password=<password>" -u"<client_id>:<client_secret>" .../oauth/token
    const tokens = await tokenResponse(
      await postForm('/oauth/token', { grant_type: 'password', username, password }, app),
    );
    expect(tokens.scope).toBe('read write');

    // curl -X POST -d "grant_type=refresh_token&refresh_token=<refresh_token>" -u"<client_id>:<client_secret>" .../oauth/token
    const refreshed = await tokenResponse(
      await postForm('/oauth/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, app),
    );

    // curl -X POST -d "token=<refresh_token>" -u"<client_id>:<client_secret>" .../oauth/revoke
    expect((await postForm('/oauth/revoke', { token: refreshed.refresh_token }, app)).status).toBe(200);

    // The access token is a stateless JWT: it keeps working until it expires (README "Security notes").
    // curl -H "Authorization: Bearer <token>" -d "name=djangounchained&age=34" .../api/unicorns
    const created = await send('/api/unicorns', {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${refreshed.access_token}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'name=djangounchained&age=34',
    });
    expect(created.status).toBe(201);
    const unicorn = await created.json<{ id: string }>();
    expect(unicorn).toMatchObject({ name: 'djangounchained', age: 34, color: null });

    // curl -H "Authorization: Bearer <token>" .../api/unicorns
    const listed = await send('/api/unicorns', { headers: { Authorization: `Bearer ${refreshed.access_token}` } });
    expect((await listed.json<{ unicorns: unknown[] }>()).unicorns).toContainEqual(unicorn);

    // The revoked refresh token is refused.
    const afterRevocation = await postForm(
      '/oauth/token',
      { grant_type: 'refresh_token', refresh_token: refreshed.refresh_token },
      app,
    );
    expect(afterRevocation.status).toBe(400);
    expect(await afterRevocation.json()).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('IAM tutorial part 1 (Django OAuth Toolkit "Getting started")', () => {
  it('registers two applications on the registration page, runs the code flow and client credentials with Basic', async () => {
    const { browser } = await signedInBrowser();
    async function registerOnPage(fields: Record<string, string>) {
      await browser.get('/account/applications/new');
      expect((await browser.submit('/account/applications/new', fields)).status).toBe(201);
      const value = (id: string) => {
        const found = new RegExp(`<input id="${id}" type="text" value="([^"]*)"`).exec(browser.html)?.[1];
        expect(found, `the secret page shows no ${id}`).toBeDefined();
        return found!;
      };
      return { ID: value('client-id'), SECRET: value('client-secret') };
    }

    // Application 1: confidential, authorization code, the tutorial's redirect URI.
    const web = await registerOnPage({
      name: 'IAM web app',
      type: 'confidential',
      redirect_uris: CALLBACK,
      'grant_type.authorization_code': 'on',
      'scope.read': 'on',
    });
    // The authorize URL without PKCE: a confidential client may omit it (docs: "Choices where the specs leave room").
    const CODE = await authorize(browser, { response_type: 'code', client_id: web.ID, redirect_uri: CALLBACK });
    // Applications made on the page authenticate with Basic: curl -u "${ID}:${SECRET}" instead of -d client_secret.
    const tokens = await tokenResponse(
      await postForm(
        '/oauth/token',
        { code: CODE, redirect_uri: CALLBACK, grant_type: 'authorization_code' },
        { ...NO_CACHE, Authorization: basicAuthorization(web.ID, web.SECRET) },
      ),
    );
    expect(tokens.scope).toBe('read');

    // Application 2: confidential, client credentials.
    const machine = await registerOnPage({
      name: 'IAM machine',
      type: 'confidential',
      'grant_type.client_credentials': 'on',
      'scope.read': 'on',
    });
    // CREDENTIAL=$(printf '%s:%s' "${ID}" "${SECRET}" | base64 -w0)
    // curl -X POST -H "Authorization: Basic ${CREDENTIAL}" -H "Cache-Control: no-cache"
    //   -H "Content-Type: application/x-www-form-urlencoded" ".../oauth/token" -d "grant_type=client_credentials"
    const CREDENTIAL = btoa(`${machine.ID}:${machine.SECRET}`);
    const machineTokens = await tokenResponse(
      await postForm(
        '/oauth/token',
        { grant_type: 'client_credentials' },
        { ...NO_CACHE, Authorization: `Basic ${CREDENTIAL}` },
      ),
    );
    expect(machineTokens).toMatchObject({ scope: 'read' });
  });
});
