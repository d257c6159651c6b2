// /oauth/authorize request checks: a missing or unknown client or redirect_uri gets an error page, never a redirect
// (RFC 6749 §4.1.2.1, exact match per RFC 9700 §4.1.3); other errors redirect with state and iss (RFC 9207); POST
// continues as a GET (OIDC Core §3.1.2.1); discovery advertises exactly what the endpoint supports.
import { describe, expect, it } from 'vitest';
import { createCodeClient, createPublicCodeClient, REDIRECT_URI } from '../helpers/authorization';
import { codeRequest, redirectParams, signedInBrowser, withQuery, type QueryValues } from '../helpers/authorize';
import { createTestClient } from '../helpers/clients';
import { TEST_ISSUER } from '../helpers/constants';
import { send } from '../helpers/http';

/** GETs without following redirects (send() goes through a service binding, which would follow them). */
function get(path: string): Promise<Response> {
  return send(path, { redirect: 'manual' });
}

const PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const STATE = 'af0ifjsldkj';

/** RFC 6749 §4.1.2.1: an error the client and redirect URI cannot be trusted with is shown, never redirected. */
async function expectErrorPage(response: Response, message: string): Promise<void> {
  expect(response.status).toBe(400);
  expect(response.headers.get('location')).toBeNull();
  expect(response.headers.get('content-type')).toBe('text/html; charset=UTF-8');
  expect(response.headers.get('content-security-policy')).toBe(PAGE_CSP);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(await response.text()).toContain(`<h1>The request could not be processed</h1><p>${message}</p>`);
}

/** RFC 6749 §4.1.2.1 with RFC 9207: error, error_description, state and iss appended to the redirect URI. */
function expectErrorRedirect(response: Response, error: string, description: string): void {
  expect(response.status).toBe(302);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(redirectParams(response)).toEqual({ error, error_description: description, state: STATE, iss: TEST_ISSUER });
}

async function authorizeAs(
  overrides: QueryValues,
  client?: Awaited<ReturnType<typeof createPublicCodeClient>>,
): Promise<Response> {
  const { client: target } = client ?? (await createPublicCodeClient());
  return get((await codeRequest(target, overrides)).path);
}

describe('GET /oauth/authorize: the client and redirect URI (never redirected)', () => {
  it('shows an error page without client_id', async () => {
    await expectErrorPage(
      await authorizeAs({ client_id: undefined }),
      'The request has no client_id, so it cannot be sent back to the application.',
    );
  });

  it('shows an error page for an unknown client', async () => {
    await expectErrorPage(
      await authorizeAs({ client_id: 'no-such-client' }),
      'The application that sent you here (client_id) is not registered.',
    );
  });

  it.each([
    ['an unregistered URI', 'https://evil.example/callback'],
    ['a trailing slash', `${REDIRECT_URI}/`],
    ['another case', REDIRECT_URI.toUpperCase()],
    ['an added query', `${REDIRECT_URI}?next=1`],
  ])('shows an error page for a redirect_uri with %s (RFC 9700 §4.1.3: exact match)', async (_, redirectUri) => {
    await expectErrorPage(
      await authorizeAs({ redirect_uri: redirectUri }),
      'The redirect_uri is not one the application registered, so you are not sent there.',
    );
  });

  it('shows an error page without redirect_uri in an OpenID request (OIDC Core §3.1.2.1)', async () => {
    await expectErrorPage(
      await authorizeAs({ redirect_uri: undefined }),
      'The request has no redirect_uri, and the application has to say where to return.',
    );
  });

  it('shows an error page without redirect_uri when the client registered several', async () => {
    const client = await createPublicCodeClient({ redirectUris: [REDIRECT_URI, 'https://app.example/other'] });
    await expectErrorPage(
      await authorizeAs({ redirect_uri: undefined, scope: 'read' }, client),
      'The request has no redirect_uri, and the application has to say where to return.',
    );
  });

  it('uses the only registered redirect URI of a plain OAuth request without one (RFC 6749 §3.1.2.3)', async () => {
    const response = await authorizeAs({ redirect_uri: undefined, scope: 'read', response_type: 'token' });
    expectErrorRedirect(response, 'unsupported_response_type', 'only response_type=code is supported');
  });

  it('shows an error page for a repeated parameter (RFC 6749 §3.1)', async () => {
    const { client } = await createPublicCodeClient();
    const { path } = await codeRequest(client);
    await expectErrorPage(await get(`${path}&state=again`), 'parameter state must not be repeated');
  });

  it('shows an error page for a client without redirect URIs', async () => {
    const { client } = await createTestClient();
    await expectErrorPage(
      await get((await codeRequest(client)).path),
      'The redirect_uri is not one the application registered, so you are not sent there.',
    );
  });
});

describe('GET /oauth/authorize: errors redirected to the client with state and iss', () => {
  it('requires response_type', async () => {
    expectErrorRedirect(
      await authorizeAs({ response_type: undefined }),
      'invalid_request',
      'response_type is required',
    );
  });

  it.each(['token', 'id_token', 'code id_token', 'code token', 'none'])(
    'answers unsupported_response_type to response_type=%s (RFC 9700 §2.1.2)',
    async (responseType) => {
      expectErrorRedirect(
        await authorizeAs({ response_type: responseType }),
        'unsupported_response_type',
        'only response_type=code is supported',
      );
    },
  );

  it('answers unauthorized_client to a client not registered for the authorization_code grant', async () => {
    const client = await createCodeClient({ grantTypes: ['client_credentials'], responseTypes: [] });
    expectErrorRedirect(
      await authorizeAs({}, client),
      'unauthorized_client',
      'this client is not registered for the authorization_code grant',
    );
  });

  it('requires PKCE of a public client (RFC 9700 §2.1.1)', async () => {
    const response = await authorizeAs({ code_challenge: undefined, code_challenge_method: undefined });
    expectErrorRedirect(
      response,
      'invalid_request',
      'code_challenge is required: public clients must use PKCE with S256',
    );
  });

  it.each([
    ['plain', { code_challenge_method: 'plain' }],
    ['no method, which means plain (RFC 7636 §4.3)', { code_challenge_method: undefined }],
  ])('refuses code_challenge_method %s', async (_, overrides) => {
    expectErrorRedirect(
      await authorizeAs(overrides),
      'invalid_request',
      'code_challenge_method must be S256; plain is not supported',
    );
  });

  it('refuses a code_challenge that is not a base64url SHA-256', async () => {
    const response = await authorizeAs({ code_challenge: 'too-short' });
    expectErrorRedirect(
      response,
      'invalid_request',
      'code_challenge must be the base64url SHA-256 of the code verifier',
    );
  });

  it('refuses code_challenge_method without code_challenge', async () => {
    const client = await createCodeClient();
    const response = await authorizeAs({ code_challenge: undefined }, client);
    expectErrorRedirect(response, 'invalid_request', 'code_challenge_method was sent without a code_challenge');
  });

  it('answers invalid_scope to a scope the client is not registered for', async () => {
    const client = await createPublicCodeClient({ scopes: ['openid', 'read'] });
    expectErrorRedirect(
      await authorizeAs({ scope: 'openid write' }, client),
      'invalid_scope',
      'the client may not request: write',
    );
  });

  it('answers invalid_scope to a malformed scope', async () => {
    expectErrorRedirect(
      await authorizeAs({ scope: 'read "write"' }),
      'invalid_scope',
      'scope must be a space-separated list of scope tokens',
    );
  });

  it.each([
    ['an unknown resource', 'https://other.example/api', 'unknown resource: https://other.example/api'],
    ['a relative resource', '/api', 'resource must be an absolute URI without a fragment'],
    ['a resource with a fragment', `${TEST_ISSUER}/api#x`, 'resource must be an absolute URI without a fragment'],
  ])('answers invalid_target to %s (RFC 8707 §2)', async (_, resource, description) => {
    expectErrorRedirect(await authorizeAs({ resource }), 'invalid_target', description);
  });

  it('answers invalid_request_object to an unsigned request object (RFC 9101 §6.3)', async () => {
    expectErrorRedirect(
      await authorizeAs({ request: 'eyJhbGciOiJub25lIn0.e30.' }),
      'invalid_request_object',
      'the request object must be signed',
    );
  });

  it('answers request_uri_not_supported to a request_uri PAR did not issue (RFC 9101 §5.2)', async () => {
    expectErrorRedirect(
      await authorizeAs({ request_uri: 'https://app.example/request.jwt' }),
      'request_uri_not_supported',
      'only request_uri values from the pushed authorization endpoint are accepted',
    );
  });

  it.each(['fragment', 'form_post'])('refuses response_mode=%s', async (responseMode) => {
    expectErrorRedirect(
      await authorizeAs({ response_mode: responseMode }),
      'invalid_request',
      'only response_mode=query is supported',
    );
  });

  it.each([
    ['an unknown prompt value', 'create', 'unsupported prompt value: create'],
    [
      'none with another value (OIDC Core §3.1.2.1)',
      'none login',
      'prompt=none must not be combined with other values',
    ],
  ])('refuses %s', async (_, prompt, description) => {
    expectErrorRedirect(await authorizeAs({ prompt }), 'invalid_request', description);
  });

  it.each(['-1', '1.5', 'soon'])('refuses max_age=%s', async (maxAge) => {
    expectErrorRedirect(
      await authorizeAs({ max_age: maxAge }),
      'invalid_request',
      'max_age must be a non-negative integer number of seconds',
    );
  });

  it('keeps the query of the redirect URI and appends the parameters to it (RFC 6749 §3.1.2)', async () => {
    const redirectUri = 'https://app.example/cb?tenant=a%20b&x=1';
    const { client } = await createPublicCodeClient({ redirectUris: [redirectUri] });
    const response = await get((await codeRequest(client, { redirect_uri: redirectUri, response_type: 'token' })).path);
    expect(response.headers.get('location')).toBe(
      `${redirectUri}&error=unsupported_response_type&error_description=only+response_type%3Dcode+is+supported&state=${STATE}&iss=${encodeURIComponent(TEST_ISSUER)}`,
    );
  });

  it('leaves state out of the error when the request had none', async () => {
    const response = await authorizeAs({ state: undefined, response_type: 'token' });
    expect(redirectParams(response)).toEqual({
      error: 'unsupported_response_type',
      error_description: 'only response_type=code is supported',
      iss: TEST_ISSUER,
    });
  });

  it('checks the request before asking anyone to sign in', async () => {
    const { browser } = await signedInBrowser();
    expectErrorRedirect(
      await browser.get(
        withQuery('/oauth/authorize', {
          client_id: (await createPublicCodeClient()).client.id,
          redirect_uri: REDIRECT_URI,
          state: STATE,
        }),
      ),
      'invalid_request',
      'response_type is required',
    );
  });
});

describe('POST /oauth/authorize (OIDC Core §3.1.2.1)', () => {
  it('continues a valid request as a GET of its canonical query', async () => {
    const { client } = await createPublicCodeClient();
    const { params } = await codeRequest(client, { ui_locales: 'de' });
    const form = new URLSearchParams(
      Object.entries(params).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
    const response = await send('/oauth/authorize', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form,
      redirect: 'manual',
    });

    expect(response.status).toBe(303);
    const expected = new URLSearchParams({
      response_type: 'code',
      client_id: client.id,
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile',
      state: STATE,
      nonce: params.nonce as string,
      code_challenge: params.code_challenge as string,
      code_challenge_method: 'S256',
    });
    expect(response.headers.get('location')).toBe(`/oauth/authorize?${expected.toString()}`);
  });

  it('redirects errors of a posted request with 303', async () => {
    const { client } = await createPublicCodeClient();
    const body = new URLSearchParams({
      client_id: client.id,
      redirect_uri: REDIRECT_URI,
      response_type: 'token',
      state: STATE,
    });
    const response = await send('/oauth/authorize', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    expect(redirectParams(response)).toEqual({
      error: 'unsupported_response_type',
      error_description: 'only response_type=code is supported',
      state: STATE,
      iss: TEST_ISSUER,
    });
  });
});

describe('discovery metadata of the authorization endpoint', () => {
  it('advertises exactly what the endpoint does (RFC 8414 §2, OIDC Discovery §3, RFC 9207 §3)', async () => {
    const metadata = await (await send('/.well-known/openid-configuration')).json<Record<string, unknown>>();
    expect(metadata).toMatchObject({
      authorization_endpoint: `${TEST_ISSUER}/oauth/authorize`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      code_challenge_methods_supported: ['S256'],
      prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
      authorization_response_iss_parameter_supported: true,
      claims_parameter_supported: true,
      request_parameter_supported: true,
      request_uri_parameter_supported: false,
      token_endpoint_auth_methods_supported: expect.arrayContaining(['none']),
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: expect.arrayContaining(['RS256']),
    });
  });
});
