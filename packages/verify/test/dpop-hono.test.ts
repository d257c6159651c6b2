// DPoP at a Hono resource server (RFC 9449 §7.1): the challenges name both schemes with DPoP's `algs` and the
// RFC 9728 `resource_metadata`, the error goes in the challenge of the scheme used, and `use_dpop_nonce` carries
// the nonce (§9).
import { beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { createDPoPNonces, createVerifier } from '@portcullis/verify';
import { verifyAccessToken, type AccessTokenEnv } from '@portcullis/verify/hono';
import { AUDIENCE, createTestKey, ISSUER, jwksOf, signToken, type TestKey } from './fixtures.ts';
import { createProofKey, signProof, type ProofKey } from './dpop-proof.ts';

const URL_OF_API = 'https://api.example/unicorns';
const METADATA = 'https://api.example/.well-known/oauth-protected-resource';
let tokenKey: TestKey;
let proofKey: ProofKey;

beforeAll(async () => {
  [tokenKey, proofKey] = await Promise.all([createTestKey(), createProofKey()]);
});

function app(dpop: Parameters<typeof createVerifier>[0]['dpop']) {
  const verifier = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(tokenKey), dpop });
  return new Hono<AccessTokenEnv>().get('/unicorns', verifyAccessToken({ verifier, resourceMetadata: METADATA }), (c) =>
    c.json({ sub: c.get('accessToken').sub }),
  );
}

const bearer = `Bearer realm="${AUDIENCE}", resource_metadata="${METADATA}"`;
const dpopChallenge = `DPoP realm="${AUDIENCE}", resource_metadata="${METADATA}", algs="ES256 EdDSA Ed25519 RS256 PS256"`;

describe('verifyAccessToken with DPoP (RFC 9449 §7.1)', () => {
  it('challenges a request without a token with both schemes and no error', async () => {
    const response = await app({}).request(URL_OF_API);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(`${bearer}, ${dpopChallenge}`);
  });

  it('challenges with DPoP alone when DPoP is required, refusing a Bearer token', async () => {
    const token = await signToken(tokenKey);
    const response = await app({ required: true }).request(URL_OF_API, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `${dpopChallenge}, error="invalid_token", error_description="this resource requires a DPoP-bound token"`,
    );
  });

  it('answers a bad proof with invalid_dpop_proof in the DPoP challenge', async () => {
    const token = await signToken(tokenKey, { cnf: { jkt: proofKey.jkt } });
    const proof = await signProof(proofKey, { htm: 'POST', htu: URL_OF_API, accessToken: token });
    const response = await app({}).request(URL_OF_API, { headers: { Authorization: `DPoP ${token}`, DPoP: proof } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: 'invalid_dpop_proof',
      error_description: 'htm does not match the request method',
    });
    expect(response.headers.get('www-authenticate')).toBe(
      `${bearer}, ${dpopChallenge}, error="invalid_dpop_proof", error_description="htm does not match the request method"`,
    );
  });

  it('answers a bound token used as Bearer with invalid_token in the Bearer challenge (§7.2)', async () => {
    const token = await signToken(tokenKey, { cnf: { jkt: proofKey.jkt } });
    const response = await app({}).request(URL_OF_API, { headers: { Authorization: `Bearer ${token}` } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `${bearer}, error="invalid_token", error_description="the access token is DPoP-bound: present it with a DPoP proof", ${dpopChallenge}`,
    );
  });

  it('answers a proof without the nonce with use_dpop_nonce and a DPoP-Nonce header (§9)', async () => {
    const nonces = createDPoPNonces('resource-server-nonce-secret');
    const token = await signToken(tokenKey, { cnf: { jkt: proofKey.jkt } });
    const proof = await signProof(proofKey, { htm: 'GET', htu: URL_OF_API, accessToken: token });
    const response = await app({ nonces }).request(URL_OF_API, {
      headers: { Authorization: `DPoP ${token}`, DPoP: proof },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('dpop-nonce')).toBe(await nonces.current());
    expect(response.headers.get('www-authenticate')).toContain(`${dpopChallenge}, error="use_dpop_nonce"`);
    const retried = await signProof(proofKey, {
      htm: 'GET',
      htu: URL_OF_API,
      accessToken: token,
      claims: { nonce: response.headers.get('dpop-nonce') },
    });
    const accepted = await app({ nonces }).request(URL_OF_API, {
      headers: { Authorization: `DPoP ${token}`, DPoP: retried },
    });
    expect(accepted.status).toBe(200);
  });
});
