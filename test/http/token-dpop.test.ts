// DPoP at the token endpoint (RFC 9449 §5): a proof makes every grant issue `token_type` DPoP with `cnf.jkt`;
// each proof check refuses on its own with invalid_dpop_proof; a replayed proof is refused through D1; a public
// client's refresh token is bound to its key (§5.0), a code to `dpop_jkt` (§10); clients registered with
// `dpop_bound_access_tokens` (§5.2), and public clients when configured, must send proofs; nonces (§8).
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { decodeJwt, exportJWK } from 'jose';
import {
  CODE_FLOW_TOKEN_RESPONSE,
  createCodeClient,
  createPublicCodeClient,
  exchangeCode,
  expectOAuthError,
  postAsClient,
  refreshWith,
  type TokenSet,
  codeForNewUser,
} from '../helpers/authorization';
import { createTestApp } from '../helpers/app';
import { createTestClient, type TestClient } from '../helpers/clients';
import { createProofKey, expectBoundRefreshRefused, tokenProof, type ProofKey } from '../helpers/dpop';
import { basicAuthorization, send } from '../helpers/http';
import { register, registerClientCredentialsClient } from '../helpers/registration';

const clientCredentials = (testClient: TestClient, headers: Record<string, string> = {}) =>
  postAsClient(testClient, '/oauth/token', { grant_type: 'client_credentials' }, headers);

async function boundTokens(response: Response, key: ProofKey): Promise<TokenSet> {
  expect(response.status).toBe(200);
  const body = await response.json<TokenSet>();
  expect(body.token_type).toBe('DPoP');
  expect(decodeJwt(body.access_token).cnf).toEqual({ jkt: key.jkt });
  return body;
}

describe('POST /oauth/token with a DPoP proof (RFC 9449 §5)', () => {
  it('issues a DPoP-bound client_credentials token: token_type DPoP and cnf.jkt (§5, §6.1)', async () => {
    const key = await createProofKey();
    const response = await clientCredentials(await createTestClient(), { DPoP: await tokenProof(key) });
    expect(response.headers.get('dpop-nonce')).toBeNull();
    await boundTokens(response, key);
  });

  it('issues a Bearer token without cnf to a request without a proof', async () => {
    const response = await clientCredentials(await createTestClient());
    const body = await response.json<TokenSet>();
    expect(body.token_type).toBe('Bearer');
    expect(decodeJwt(body.access_token).cnf).toBeUndefined();
  });

  const badProofs: Array<[string, (key: ProofKey) => Promise<string>, string]> = [
    [
      'a typ other than dpop+jwt',
      (key) => tokenProof(key, { header: { typ: 'JWT' } }),
      'the DPoP proof is not of type dpop+jwt',
    ],
    [
      'a private key in jwk',
      async (key) => tokenProof(key, { header: { jwk: await exportJWK(key.privateKey) } }),
      'the jwk of the DPoP proof must be a public key',
    ],
    ['a wrong htm', (key) => tokenProof(key, { htm: 'GET' }), 'htm does not match the request method'],
    [
      'a wrong htu',
      (key) => tokenProof(key, { htu: 'https://issuer.test/oauth/revoke' }),
      'htu does not match the request URL',
    ],
    [
      'a stale iat',
      (key) => tokenProof(key, { claims: { iat: Math.floor(Date.now() / 1000) - 300 } }),
      'the DPoP proof is too old',
    ],
    [
      'a future iat',
      (key) => tokenProof(key, { claims: { iat: Math.floor(Date.now() / 1000) + 300 } }),
      'the DPoP proof is issued in the future',
    ],
    ['a proof that is not a JWT', async () => 'not-a-jwt', 'the DPoP proof is not a well-formed JWT'],
  ];
  it.each(badProofs)('refuses a proof with %s with 400 invalid_dpop_proof (§4.3)', async (_, proofOf, description) => {
    const response = await clientCredentials(await createTestClient(), { DPoP: await proofOf(await createProofKey()) });
    await expectOAuthError(response, 400, 'invalid_dpop_proof', description);
  });

  it('refuses a replayed proof, remembered in D1 for every isolate (§11.1)', async () => {
    const testClient = await createTestClient();
    const proof = await tokenProof(await createProofKey());
    expect((await clientCredentials(testClient, { DPoP: proof })).status).toBe(200);
    await expectOAuthError(
      await clientCredentials(testClient, { DPoP: proof }),
      400,
      'invalid_dpop_proof',
      'the DPoP proof was already used',
    );
    const { results } = await env.DB.prepare('SELECT id FROM dpop_proofs').all<{ id: string }>();
    expect(results.length).toBeGreaterThan(0);
  });

  it('refuses two DPoP headers (§4.3 step 1)', async () => {
    const key = await createProofKey();
    const headers = new Headers({ DPoP: await tokenProof(key) });
    headers.append('DPoP', await tokenProof(key));
    const { client, secret } = await createTestClient();
    headers.set('Authorization', basicAuthorization(client.id, secret));
    headers.set('Content-Type', 'application/x-www-form-urlencoded');
    const response = await send('/oauth/token', { method: 'POST', headers, body: 'grant_type=client_credentials' });
    await expectOAuthError(response, 400, 'invalid_dpop_proof', 'exactly one DPoP header is allowed');
  });
});

describe('DPoP-bound codes and refresh tokens', () => {
  it('binds a public client refresh token to the key: refused without a proof or with another key (§5.0)', async () => {
    const testClient = await createPublicCodeClient();
    const [key, otherKey] = await Promise.all([createProofKey(), createProofKey()]);
    const code = await codeForNewUser(testClient);
    const first = await boundTokens(await exchangeCode(testClient, code, {}, { DPoP: await tokenProof(key) }), key);

    const refresh = (headers: Record<string, string>) =>
      postAsClient(
        testClient,
        '/oauth/token',
        { grant_type: 'refresh_token', refresh_token: first.refresh_token! },
        headers,
      );
    await expectBoundRefreshRefused(refresh, otherKey);
    const second = await boundTokens(await refresh({ DPoP: await tokenProof(key) }), key);
    // The successor stays bound to the same key.
    await expectOAuthError(
      await refreshWith(testClient, second.refresh_token!),
      400,
      'invalid_grant',
      'the refresh token is DPoP-bound: send a DPoP proof of its key',
    );
  });

  it('leaves a confidential client refresh token unbound: it authenticates, and may move to a new key', async () => {
    const testClient = await createCodeClient();
    const key = await createProofKey();
    const code = await codeForNewUser(testClient);
    const first = await boundTokens(await exchangeCode(testClient, code, {}, { DPoP: await tokenProof(key) }), key);
    const refreshed = await refreshWith(testClient, first.refresh_token!);
    expect(await refreshed.json()).toEqual(CODE_FLOW_TOKEN_RESPONSE);
  });

  it('redeems a code bound with dpop_jkt only with a proof of that key (§10)', async () => {
    const testClient = await createPublicCodeClient();
    const [key, otherKey] = await Promise.all([createProofKey(), createProofKey()]);
    const exchange = async (headers: Record<string, string>) =>
      exchangeCode(testClient, await codeForNewUser(testClient, { dpopJkt: key.jkt }), {}, headers);

    await expectOAuthError(
      await exchange({}),
      400,
      'invalid_grant',
      'the authorization code is DPoP-bound: send a DPoP proof of its key',
    );
    await expectOAuthError(
      await exchange({ DPoP: await tokenProof(otherKey) }),
      400,
      'invalid_grant',
      'the authorization code is bound to another DPoP key',
    );
    await boundTokens(await exchange({ DPoP: await tokenProof(key) }), key);
  });
});

describe('clients that must use DPoP', () => {
  it('registers dpop_bound_access_tokens as a boolean and echoes it (RFC 9449 §5.2); a string is refused', async () => {
    const { body } = await registerClientCredentialsClient({ dpop_bound_access_tokens: true });
    expect(body.dpop_bound_access_tokens).toBe(true);
    const refused = await register({
      client_name: 'Machine',
      grant_types: ['client_credentials'],
      dpop_bound_access_tokens: 'yes',
    });
    expect(refused.response.status).toBe(400);
    expect(refused.body).toEqual({
      error: 'invalid_client_metadata',
      error_description: 'dpop_bound_access_tokens must be a boolean',
    });
  });

  it('refuses a token request without a proof from a client registered with dpop_bound_access_tokens (§5.2)', async () => {
    const testClient = await createTestClient({ metadata: { dpop_bound_access_tokens: true } });
    await expectOAuthError(
      await clientCredentials(testClient),
      400,
      'invalid_dpop_proof',
      'this client must send a DPoP proof with its token requests',
    );
    const key = await createProofKey();
    await boundTokens(await clientCredentials(testClient, { DPoP: await tokenProof(key) }), key);
  });

  it('refuses a public client without a proof when DPOP_REQUIRED_FOR_PUBLIC_CLIENTS is true', async () => {
    const { request } = createTestApp({ DPOP_REQUIRED_FOR_PUBLIC_CLIENTS: 'true' });
    const testClient = await createPublicCodeClient();
    const code = await codeForNewUser(testClient);
    const form = (extra: Record<string, string>) => ({
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...extra },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: testClient.client.id,
        code: code.code,
        redirect_uri: 'https://app.example/callback',
        code_verifier: code.verifier,
      }).toString(),
    });
    await expectOAuthError(
      await request('/oauth/token', form({})),
      400,
      'invalid_dpop_proof',
      'this client must send a DPoP proof with its token requests',
    );
  });
});

describe('DPoP server nonces (§8)', () => {
  it('answers a proof without the nonce with use_dpop_nonce and DPoP-Nonce, and accepts the retry', async () => {
    const { request } = createTestApp({ DPOP_NONCE_SECRET: 'a-test-nonce-secret-0123456789' });
    const { client, secret } = await createTestClient();
    const key = await createProofKey();
    const post = async (proof: string) =>
      request('/oauth/token', {
        method: 'POST',
        headers: {
          Authorization: basicAuthorization(client.id, secret),
          'Content-Type': 'application/x-www-form-urlencoded',
          DPoP: proof,
        },
        body: 'grant_type=client_credentials',
      });
    const refused = await post(await tokenProof(key));
    const nonce = refused.headers.get('dpop-nonce');
    expect(nonce).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);
    await expectOAuthError(refused, 400, 'use_dpop_nonce', 'the DPoP proof must carry the nonce this server issued');
    const accepted = await post(await tokenProof(key, { claims: { nonce } }));
    expect(accepted.headers.get('dpop-nonce')).toBe(nonce);
    await boundTokens(accepted, key);
  });
});
