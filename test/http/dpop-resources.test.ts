// DPoP beyond the token endpoint (RFC 9449): `dpop_jkt` at the authorization endpoint binds the code (§10);
// userinfo accepts `Authorization: DPoP` with its proof and refuses a bound token as Bearer, with §7.1 challenges;
// the sample API accepts DPoP and refuses a copied token; introspection returns `cnf` (§6.2); discovery advertises
// `dpop_signing_alg_values_supported` (§5.1).
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  createPublicCodeClient,
  exchangeCode,
  expectOAuthError,
  postAsClient,
  type TokenSet,
} from '../helpers/authorization';
import { codeRequest, redirectParams, signedInBrowser, submitConsent } from '../helpers/authorize';
import { createTestClient, type TestClient } from '../helpers/clients';
import { TEST_AUDIENCE, TEST_ISSUER } from '../helpers/constants';
import { createProofKey, signProof, tokenProof, USERINFO_ENDPOINT, type ProofKey } from '../helpers/dpop';
import { send } from '../helpers/http';

const ALGS = 'algs="ES256 EdDSA Ed25519 RS256 PS256"';
const USERINFO_REALM = `realm="${USERINFO_ENDPOINT}"`;

/** Signs in through the browser with `dpop_jkt` and redeems the code with a proof of `key`. */
async function signInWithDPoP(key: ProofKey): Promise<{ testClient: TestClient; tokens: TokenSet }> {
  const testClient = await createPublicCodeClient();
  const { browser } = await signedInBrowser();
  const request = await codeRequest(testClient.client, { scope: 'openid profile read', dpop_jkt: key.jkt });
  await browser.get(request.path);
  const { code } = redirectParams(await submitConsent(browser, 'allow'));
  const exchange = (headers: Record<string, string>) =>
    exchangeCode(testClient, { code: code!, verifier: request.verifier }, {}, headers);
  const response = await exchange({ DPoP: await tokenProof(key) });
  expect(response.status).toBe(200);
  return { testClient, tokens: await response.json<TokenSet>() };
}

const userinfo = (authorization: string, proof?: string) =>
  send('/oauth/userinfo', { headers: { Authorization: authorization, ...(proof ? { DPoP: proof } : {}) } });

describe('dpop_jkt at the authorization endpoint (RFC 9449 §10)', () => {
  it('binds the code to the key: a proof of another key cannot redeem it', async () => {
    const [key, otherKey] = await Promise.all([createProofKey(), createProofKey()]);
    const testClient = await createPublicCodeClient();
    const { browser } = await signedInBrowser();
    const request = await codeRequest(testClient.client, { dpop_jkt: key.jkt });
    await browser.get(request.path);
    const { code } = redirectParams(await submitConsent(browser, 'allow'));
    const response = await exchangeCode(
      testClient,
      { code: code!, verifier: request.verifier },
      {},
      { DPoP: await tokenProof(otherKey) },
    );
    await expectOAuthError(response, 400, 'invalid_grant', 'the authorization code is bound to another DPoP key');
  });

  it('refuses a dpop_jkt that is not a thumbprint, back at the redirect URI', async () => {
    const testClient = await createPublicCodeClient();
    const { browser } = await signedInBrowser();
    const request = await codeRequest(testClient.client, { dpop_jkt: 'not-a-thumbprint' });
    expect(redirectParams(await browser.get(request.path))).toMatchObject({
      error: 'invalid_request',
      error_description: 'dpop_jkt must be a base64url JWK SHA-256 thumbprint',
    });
  });
});

describe('userinfo with DPoP (RFC 9449 §7)', () => {
  it('answers a DPoP-bound token presented with its proof', async () => {
    const key = await createProofKey();
    const { tokens } = await signInWithDPoP(key);
    expect(tokens.token_type).toBe('DPoP');
    const proof = await signProof(key, { htm: 'GET', htu: USERINFO_ENDPOINT, accessToken: tokens.access_token });
    const response = await userinfo(`DPoP ${tokens.access_token}`, proof);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ sub: decodeJwt(tokens.access_token).sub });
  });

  it('refuses the bound token as Bearer, and with a proof of another key (§7.1, §7.2)', async () => {
    const [key, thiefKey] = await Promise.all([createProofKey(), createProofKey()]);
    const { tokens } = await signInWithDPoP(key);
    const asBearer = await userinfo(`Bearer ${tokens.access_token}`);
    expect(asBearer.status).toBe(401);
    expect(asBearer.headers.get('www-authenticate')).toBe(
      `Bearer ${USERINFO_REALM}, error="invalid_token", error_description="the access token is DPoP-bound: present it with a DPoP proof", DPoP ${USERINFO_REALM}, ${ALGS}`,
    );
    const thiefProof = await signProof(thiefKey, {
      htm: 'GET',
      htu: USERINFO_ENDPOINT,
      accessToken: tokens.access_token,
    });
    const stolen = await userinfo(`DPoP ${tokens.access_token}`, thiefProof);
    expect(stolen.status).toBe(401);
    expect(stolen.headers.get('www-authenticate')).toBe(
      `Bearer ${USERINFO_REALM}, DPoP ${USERINFO_REALM}, ${ALGS}, error="invalid_dpop_proof", error_description="the DPoP proof is signed by another key than the one bound"`,
    );
  });

  it('refuses a proof replayed at userinfo (§11.1)', async () => {
    const key = await createProofKey();
    const { tokens } = await signInWithDPoP(key);
    const proof = await signProof(key, { htm: 'GET', htu: USERINFO_ENDPOINT, accessToken: tokens.access_token });
    expect((await userinfo(`DPoP ${tokens.access_token}`, proof)).status).toBe(200);
    const replayed = await userinfo(`DPoP ${tokens.access_token}`, proof);
    expect(replayed.status).toBe(401);
    expect(await replayed.json()).toEqual({
      error: 'invalid_dpop_proof',
      error_description: 'the DPoP proof was already used',
    });
  });
});

describe('the sample API with DPoP', () => {
  it('accepts the bound token with a proof, and refuses it copied without a proof or under another key', async () => {
    const [key, thiefKey] = await Promise.all([createProofKey(), createProofKey()]);
    const testClient = await createTestClient();
    const issued = await postAsClient(
      testClient,
      '/oauth/token',
      { grant_type: 'client_credentials' },
      {
        DPoP: await tokenProof(key),
      },
    );
    const { access_token } = await issued.json<TokenSet>();
    const api = `${TEST_ISSUER}/api/unicorns`;
    const call = async (authorization: string, proofKey?: ProofKey) =>
      send('/api/unicorns', {
        headers: {
          Authorization: authorization,
          ...(proofKey ? { DPoP: await signProof(proofKey, { htm: 'GET', htu: api, accessToken: access_token }) } : {}),
        },
      });
    expect((await call(`DPoP ${access_token}`, key)).status).toBe(200);
    expect((await call(`Bearer ${access_token}`)).status).toBe(401);
    expect((await call(`DPoP ${access_token}`)).status).toBe(401);
    const stolen = await call(`DPoP ${access_token}`, thiefKey);
    expect(stolen.status).toBe(401);
    expect(await stolen.json()).toEqual({
      error: 'invalid_dpop_proof',
      error_description: 'the DPoP proof is signed by another key than the one bound',
    });
  });
});

describe('introspection and discovery', () => {
  it('introspects a DPoP-bound token with token_type DPoP and its cnf (§6.2)', async () => {
    const key = await createProofKey();
    const testClient = await createTestClient();
    const issued = await postAsClient(
      testClient,
      '/oauth/token',
      { grant_type: 'client_credentials' },
      {
        DPoP: await tokenProof(key),
      },
    );
    const { access_token } = await issued.json<TokenSet>();
    const response = await postAsClient(testClient, '/oauth/introspect', { token: access_token });
    expect(await response.json()).toMatchObject({
      active: true,
      token_type: 'DPoP',
      cnf: { jkt: key.jkt },
      aud: TEST_AUDIENCE,
    });
  });

  it('advertises dpop_signing_alg_values_supported (§5.1)', async () => {
    const metadata = await (await send('/.well-known/oauth-authorization-server')).json<Record<string, unknown>>();
    expect(metadata.dpop_signing_alg_values_supported).toEqual(['ES256', 'EdDSA', 'Ed25519', 'RS256', 'PS256']);
  });
});
