// A Client ID Metadata Document client that authenticates with private_key_jwt (RFC 7523 §2.2; the CIMD draft §4.1
// allows it, MCP names it): the key is the document's `jwks` or at its `jwks_uri` (held to the document's SSRF rules),
// and its assertions follow the audience, lifetime and single-use rules of registered clients.
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectOAuthError } from '../helpers/authorization';
import { createTestApp, type TestApp } from '../helpers/app';
import { codeRequest, redirectParams, signedInBrowserOn, submitConsent } from '../helpers/authorize';
import { TEST_ISSUER } from '../helpers/constants';
import { DOCUMENT, DOCUMENT_REDIRECT, documentServer, freshDocumentUrl } from '../helpers/metadata-documents';
import {
  assertionKeyOf,
  CLIENT_ASSERTION_TYPE,
  CLIENT_AUTHENTICATION_FAILED as FAILED,
  signClientAssertion,
  signingKeyPair,
  type SigningKeyPair,
} from '../fixtures/jwt-client';

afterEach(() => vi.restoreAllMocks());

/** An app whose document server publishes a private_key_jwt document at a fresh URL; `keys` may change later. */
function keyDocumentApp(keys: () => Record<string, unknown>) {
  const clientId = freshDocumentUrl();
  const server = documentServer(() =>
    Response.json({ ...DOCUMENT, client_id: clientId, token_endpoint_auth_method: 'private_key_jwt', ...keys() }),
  );
  return { clientId, server, testApp: createTestApp({}, { fetchDocument: server.fetch }) };
}

/** A user signs in and consents; the code and its PKCE verifier. */
async function authorizedCode(testApp: TestApp, clientId: string, overrides = {}) {
  const { browser } = await signedInBrowserOn(testApp);
  const request = await codeRequest({ id: clientId } as Parameters<typeof codeRequest>[0], {
    scope: 'read',
    redirect_uri: DOCUMENT_REDIRECT,
    ...overrides,
  });
  expect((await browser.get(request.path)).status).toBe(200);
  const { code } = redirectParams(await submitConsent(browser, 'allow'), DOCUMENT_REDIRECT);
  return { code: code!, verifier: request.verifier };
}

const assertionBy = (clientId: string, key: SigningKeyPair, audience: string | string[] = TEST_ISSUER) =>
  signClientAssertion(clientId, assertionKeyOf(key), audience);

function tokenRequest(testApp: TestApp, form: Record<string, string>) {
  return testApp.request('/oauth/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

function redeem(testApp: TestApp, grant: { code: string; verifier: string }, assertion: string) {
  return tokenRequest(testApp, {
    grant_type: 'authorization_code',
    code: grant.code,
    redirect_uri: DOCUMENT_REDIRECT,
    code_verifier: grant.verifier,
    client_assertion_type: CLIENT_ASSERTION_TYPE,
    client_assertion: assertion,
  });
}

describe('a metadata document client with private_key_jwt and jwks', () => {
  it('redeems its code with an assertion signed by the published key, and refreshes with a new one', async () => {
    const key = await signingKeyPair();
    const { clientId, testApp } = keyDocumentApp(() => ({ jwks: { keys: [key.publicJwk] } }));
    const grant = await authorizedCode(testApp, clientId);
    const assertion = await assertionBy(clientId, key, `${TEST_ISSUER}/oauth/token`);
    const response = await redeem(testApp, grant, assertion);
    expect(response.status).toBe(200);
    const tokens = await response.json<{ access_token: string; refresh_token: string }>();
    expect(decodeJwt(tokens.access_token)).toMatchObject({ client_id: clientId, scope: 'read' });

    const refresh = (clientAssertion: string) =>
      tokenRequest(testApp, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_assertion_type: CLIENT_ASSERTION_TYPE,
        client_assertion: clientAssertion,
      });
    // RFC 7523 §3 item 7: the assertion of the code exchange cannot be used again.
    await expectOAuthError(await refresh(assertion), 401, 'invalid_client', FAILED);
    expect((await refresh(await assertionBy(clientId, key))).status).toBe(200);
  });

  it('refuses an assertion signed by another key, for another audience, or no assertion at all', async () => {
    const key = await signingKeyPair();
    const { clientId, testApp } = keyDocumentApp(() => ({ jwks: { keys: [key.publicJwk] } }));
    const grant = await authorizedCode(testApp, clientId);
    const stranger = await signingKeyPair();
    const forged = await assertionBy(clientId, { ...stranger, publicJwk: key.publicJwk });
    await expectOAuthError(await redeem(testApp, grant, forged), 401, 'invalid_client', FAILED);
    const elsewhere = await assertionBy(clientId, key, 'https://elsewhere.example');
    await expectOAuthError(await redeem(testApp, grant, elsewhere), 401, 'invalid_client', FAILED);
    // client_id alone is `none`, which the document does not name: no proof at all.
    const unauthenticated = await tokenRequest(testApp, {
      grant_type: 'authorization_code',
      code: grant.code,
      redirect_uri: DOCUMENT_REDIRECT,
      code_verifier: grant.verifier,
      client_id: clientId,
    });
    await expectOAuthError(unauthenticated, 401, 'invalid_client', FAILED);
    // None of the refusals consumed the code.
    expect((await redeem(testApp, grant, await assertionBy(clientId, key))).status).toBe(200);
  });

  it('takes a key the document rotated at once: the cached copy fails, so the document is fetched again', async () => {
    let key = await signingKeyPair();
    const { clientId, server, testApp } = keyDocumentApp(() => ({ jwks: { keys: [key.publicJwk] } }));
    const grant = await authorizedCode(testApp, clientId);
    expect(server.requests).toHaveLength(1);
    key = await signingKeyPair();
    expect((await redeem(testApp, grant, await assertionBy(clientId, key))).status).toBe(200);
    expect(server.requests).toHaveLength(2);
  });

  it('must use PKCE at the authorization endpoint, although it has a key', async () => {
    const key = await signingKeyPair();
    const { clientId, testApp } = keyDocumentApp(() => ({ jwks: { keys: [key.publicJwk] } }));
    const { browser } = await signedInBrowserOn(testApp);
    const request = await codeRequest({ id: clientId } as Parameters<typeof codeRequest>[0], {
      scope: 'read',
      redirect_uri: DOCUMENT_REDIRECT,
      code_challenge: undefined,
      code_challenge_method: undefined,
    });
    expect(redirectParams(await browser.get(request.path), DOCUMENT_REDIRECT)).toMatchObject({
      error: 'invalid_request',
      error_description: 'code_challenge is required: metadata document clients must use PKCE',
    });
  });
});

describe('a metadata document client with private_key_jwt and a jwks_uri', () => {
  it('fetches its keys from the jwks_uri without following redirects', async () => {
    const key = await signingKeyPair();
    const jwksUri = 'https://client.example/jwks.json';
    const { clientId, testApp } = keyDocumentApp(() => ({ jwks_uri: jwksUri }));
    const jwksFetch = vi
      .spyOn(globalThis, 'fetch')
      .mockImplementation(async () => Response.json({ keys: [key.publicJwk] }));
    const grant = await authorizedCode(testApp, clientId);
    expect((await redeem(testApp, grant, await assertionBy(clientId, key))).status).toBe(200);
    expect(jwksFetch).toHaveBeenCalledWith(
      jwksUri,
      expect.objectContaining({ redirect: 'manual', signal: expect.any(AbortSignal) }),
    );
  });

  it.each([
    ['https://10.0.0.8/jwks.json', 'has a jwks_uri on a private or loopback address'],
    ['https://[::1]/jwks.json', 'has a jwks_uri on a private or loopback address'],
    ['http://localhost:9999/jwks.json', 'has a jwks_uri that is not https'],
  ])('refuses the document with the jwks_uri %s, fetching nothing there (draft §6)', async (jwksUri, problem) => {
    const key = await signingKeyPair();
    const { clientId, testApp } = keyDocumentApp(() => ({ jwks_uri: jwksUri }));
    const jwksFetch = vi.spyOn(globalThis, 'fetch');
    const response = await tokenRequest(testApp, {
      grant_type: 'refresh_token',
      refresh_token: 'anything',
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: await assertionBy(clientId, key),
    });
    await expectOAuthError(response, 401, 'invalid_client', `the client metadata document ${clientId} ${problem}`);
    expect(jwksFetch).not.toHaveBeenCalled();
  });
});
