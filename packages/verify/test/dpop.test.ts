// DPoP proofs (RFC 9449 §4.3) and DPoP-bound tokens at a resource server (§7.1, §7.2): each check refuses on its
// own, a replay is refused, a bound token is refused as Bearer and with another key, nonces are demanded (§9).
import { beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, SignJWT } from 'jose';
import {
  createDPoPNonces,
  createMemoryReplayStore,
  createVerifier,
  verifyDPoPProof,
  VerifyError,
  type DPoPProofOptions,
} from '@portcullis/verify';
import { AUDIENCE, createTestKey, ISSUER, jwksOf, nowSeconds, signToken, type TestKey } from './fixtures.ts';
import { createProofKey, signProof, type ProofKey } from './dpop-proof.ts';

const HTU = 'https://api.example/unicorns';
let proofKey: ProofKey;
let otherKey: ProofKey;
let tokenKey: TestKey;

beforeAll(async () => {
  [proofKey, otherKey, tokenKey] = await Promise.all([createProofKey(), createProofKey(), createTestKey()]);
});

const options = (): DPoPProofOptions => ({ replayStore: createMemoryReplayStore() });

async function refusal(promise: Promise<unknown>): Promise<{ code: string; claim: string | undefined }> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof VerifyError)) throw new Error(`expected a VerifyError, got ${String(error)}`);
  return { code: error.code, claim: error.claim };
}

describe('verifyDPoPProof (RFC 9449 §4.3)', () => {
  it('accepts a valid proof and returns its key thumbprint (RFC 7638)', async () => {
    const proof = await signProof(proofKey, { htm: 'POST', htu: HTU });
    const result = await verifyDPoPProof({ proof, method: 'POST', url: HTU }, options());
    expect(result.jkt).toBe(proofKey.jkt);
  });

  it('compares htu without query and fragment, after normalisation (§4.3 step 9)', async () => {
    const proof = await signProof(proofKey, { htm: 'GET', htu: 'HTTPS://API.example:443/unicorns' });
    await expect(verifyDPoPProof({ proof, method: 'GET', url: `${HTU}?page=2#top` }, options())).resolves.toMatchObject(
      { jkt: proofKey.jkt },
    );
  });

  it('refuses a proof whose typ is not dpop+jwt', async () => {
    const proof = await signProof(proofKey, { htm: 'POST', htu: HTU, header: { typ: 'jwt' } });
    expect(await refusal(verifyDPoPProof({ proof, method: 'POST', url: HTU }, options()))).toEqual({
      code: 'ERR_DPOP_PROOF_INVALID',
      claim: 'typ',
    });
  });

  it('refuses a symmetric algorithm (§4.3 step 5)', async () => {
    const secret = new Uint8Array(32).fill(7);
    const proof = await new SignJWT({ jti: 'x', htm: 'POST', htu: HTU, iat: nowSeconds() })
      .setProtectedHeader({
        alg: 'HS256',
        typ: 'dpop+jwt',
        // A symmetric key in the header, as a confused client might send: its alg is refused before anything else.
        jwk: { kty: 'oct' },
      })
      .sign(secret);
    expect(await refusal(verifyDPoPProof({ proof, method: 'POST', url: HTU }, options()))).toEqual({
      code: 'ERR_DPOP_PROOF_INVALID',
      claim: 'alg',
    });
  });

  it('refuses a jwk that holds a private key (§4.3 step 7)', async () => {
    const privateJwk = await exportJWK(proofKey.privateKey);
    const proof = await signProof(proofKey, { htm: 'POST', htu: HTU, header: { jwk: privateJwk } });
    expect(await refusal(verifyDPoPProof({ proof, method: 'POST', url: HTU }, options()))).toEqual({
      code: 'ERR_DPOP_PROOF_INVALID',
      claim: 'jwk',
    });
  });

  it('refuses a proof signed by another key than its jwk', async () => {
    const proof = await signProof(proofKey, { htm: 'POST', htu: HTU, header: { jwk: otherKey.publicJwk } });
    expect((await refusal(verifyDPoPProof({ proof, method: 'POST', url: HTU }, options()))).code).toBe(
      'ERR_DPOP_PROOF_INVALID',
    );
  });

  it('refuses a wrong htm (§4.3 step 8)', async () => {
    const proof = await signProof(proofKey, { htm: 'GET', htu: HTU });
    expect(await refusal(verifyDPoPProof({ proof, method: 'POST', url: HTU }, options()))).toEqual({
      code: 'ERR_DPOP_PROOF_INVALID',
      claim: 'htm',
    });
  });

  it('refuses a wrong htu (§4.3 step 9)', async () => {
    const proof = await signProof(proofKey, { htm: 'POST', htu: 'https://api.example/other' });
    expect(await refusal(verifyDPoPProof({ proof, method: 'POST', url: HTU }, options()))).toEqual({
      code: 'ERR_DPOP_PROOF_INVALID',
      claim: 'htu',
    });
  });

  it('refuses a stale and a future iat (§4.3 step 11)', async () => {
    for (const iat of [nowSeconds() - 120, nowSeconds() + 120]) {
      const proof = await signProof(proofKey, { htm: 'POST', htu: HTU, claims: { iat } });
      expect(await refusal(verifyDPoPProof({ proof, method: 'POST', url: HTU }, options()))).toEqual({
        code: 'ERR_DPOP_PROOF_INVALID',
        claim: 'iat',
      });
    }
  });

  it('refuses a replayed jti (§11.1)', async () => {
    const settings = options();
    const proof = await signProof(proofKey, { htm: 'POST', htu: HTU });
    await verifyDPoPProof({ proof, method: 'POST', url: HTU }, settings);
    expect(await refusal(verifyDPoPProof({ proof, method: 'POST', url: HTU }, settings))).toEqual({
      code: 'ERR_DPOP_PROOF_INVALID',
      claim: 'jti',
    });
  });

  it('refuses a wrong ath (§7.1)', async () => {
    const proof = await signProof(proofKey, { htm: 'GET', htu: HTU, accessToken: 'another-token' });
    const request = { proof, method: 'GET', url: HTU, accessToken: 'the-token' };
    expect(await refusal(verifyDPoPProof(request, options()))).toEqual({
      code: 'ERR_DPOP_PROOF_INVALID',
      claim: 'ath',
    });
  });

  it('refuses a key other than the expected thumbprint', async () => {
    const proof = await signProof(otherKey, { htm: 'POST', htu: HTU });
    const request = { proof, method: 'POST', url: HTU, expectedJkt: proofKey.jkt };
    expect(await refusal(verifyDPoPProof(request, options()))).toEqual({
      code: 'ERR_DPOP_PROOF_INVALID',
      claim: 'jwk',
    });
  });

  it('demands the server nonce and names the current one (§8, §9)', async () => {
    const nonces = createDPoPNonces('a-nonce-secret-of-enough-length');
    const settings = { ...options(), nonces };
    const withoutNonce = await signProof(proofKey, { htm: 'POST', htu: HTU });
    const error = await verifyDPoPProof({ proof: withoutNonce, method: 'POST', url: HTU }, settings).catch((e) => e);
    expect(error).toBeInstanceOf(VerifyError);
    expect(error.code).toBe('ERR_DPOP_NONCE_REQUIRED');
    const nonce = await nonces.current();
    expect(error.dpopNonce).toBe(nonce);
    const forged = await signProof(proofKey, {
      htm: 'POST',
      htu: HTU,
      claims: { nonce: `${nonce.split('.')[0]}.AAAA` },
    });
    expect((await refusal(verifyDPoPProof({ proof: forged, method: 'POST', url: HTU }, settings))).code).toBe(
      'ERR_DPOP_NONCE_REQUIRED',
    );
    const withNonce = await signProof(proofKey, { htm: 'POST', htu: HTU, claims: { nonce } });
    await expect(verifyDPoPProof({ proof: withNonce, method: 'POST', url: HTU }, settings)).resolves.toBeTruthy();
  });
});

describe('createVerifier with dpop (RFC 9449 §7)', () => {
  const verifier = (dpop = {}) => createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(tokenKey), dpop });
  const boundToken = () => signToken(tokenKey, { cnf: { jkt: proofKey.jkt } });
  const dpopRequest = (token: string, proof: string | undefined) =>
    new Request(HTU, { headers: { Authorization: `DPoP ${token}`, ...(proof ? { DPoP: proof } : {}) } });

  it('accepts a bound token with a proof of its key covering the token', async () => {
    const token = await boundToken();
    const proof = await signProof(proofKey, { htm: 'GET', htu: HTU, accessToken: token });
    const claims = await verifier()(dpopRequest(token, proof));
    expect(claims.cnf).toEqual({ jkt: proofKey.jkt });
  });

  it('refuses a bound token with a proof of another key', async () => {
    const token = await boundToken();
    const proof = await signProof(otherKey, { htm: 'GET', htu: HTU, accessToken: token });
    expect(await refusal(verifier()(dpopRequest(token, proof)))).toEqual({
      code: 'ERR_DPOP_PROOF_INVALID',
      claim: 'jwk',
    });
  });

  it('refuses a bound token without a proof', async () => {
    expect((await refusal(verifier()(dpopRequest(await boundToken(), undefined)))).code).toBe('ERR_DPOP_PROOF_INVALID');
  });

  it('refuses a bound token presented as Bearer, with or without dpop enabled (§7.2)', async () => {
    const request = new Request(HTU, { headers: { Authorization: `Bearer ${await boundToken()}` } });
    expect((await refusal(verifier()(request))).code).toBe('ERR_DPOP_BOUND_TOKEN');
    const bearerOnly = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(tokenKey) });
    expect((await refusal(bearerOnly(request))).code).toBe('ERR_DPOP_BOUND_TOKEN');
  });

  it('accepts a plain Bearer token unless DPoP is required', async () => {
    const token = await signToken(tokenKey);
    const bearer = new Request(HTU, { headers: { Authorization: `Bearer ${token}` } });
    await expect(verifier()(bearer)).resolves.toMatchObject({ sub: 'client-1' });
    expect((await refusal(verifier({ required: true })(bearer))).code).toBe('ERR_DPOP_REQUIRED');
  });

  it('refuses an unbound token presented with the DPoP scheme', async () => {
    const token = await signToken(tokenKey);
    const proof = await signProof(proofKey, { htm: 'GET', htu: HTU, accessToken: token });
    expect(await refusal(verifier()(dpopRequest(token, proof)))).toEqual({ code: 'ERR_CLAIM_MISSING', claim: 'cnf' });
  });

  it('checks the proof on every request even when the token is cached, refusing a replayed proof', async () => {
    const token = await boundToken();
    const proof = await signProof(proofKey, { htm: 'GET', htu: HTU, accessToken: token });
    const verify = verifier();
    await verify(dpopRequest(token, proof));
    expect(await refusal(verify(dpopRequest(token, proof)))).toEqual({ code: 'ERR_DPOP_PROOF_INVALID', claim: 'jti' });
  });
});
