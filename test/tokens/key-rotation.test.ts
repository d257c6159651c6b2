// Signing key rotation: after a new key is prepended, tokens of the old key still verify against the published JWKS
// and new tokens use the new key; an RSA key first signs RS256; a key that is not published fails verification.
import { describe, expect, it } from 'vitest';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createTestClient } from '../helpers/clients';
import { clientCredentialsToken, createTestApp } from '../helpers/app';
import { generateSigningJwk } from '../../src/tokens/generate-key';
import { TEST_AUDIENCE, TEST_ISSUER } from '../helpers/constants';

async function jwksOf(testApp: ReturnType<typeof createTestApp>) {
  return createLocalJWKSet(await (await testApp.request('/.well-known/jwks.json')).json());
}

describe('signing key rotation', () => {
  it('keeps verifying tokens of the old key after a new key is prepended, and signs with the new one', async () => {
    const { client, secret } = await createTestClient();
    const oldKey = await generateSigningJwk('ES256');
    const newKey = await generateSigningJwk('EdDSA');
    const before = createTestApp({ SIGNING_KEYS: JSON.stringify({ keys: [oldKey] }) });
    const after = createTestApp({ SIGNING_KEYS: JSON.stringify({ keys: [newKey, oldKey] }) });

    const oldToken = await clientCredentialsToken(before, client.id, secret);
    const newToken = await clientCredentialsToken(after, client.id, secret);
    const options = { issuer: TEST_ISSUER, audience: TEST_AUDIENCE };

    await expect(jwtVerify(oldToken, await jwksOf(after), options)).resolves.toMatchObject({
      protectedHeader: { alg: 'ES256' },
    });
    await expect(jwtVerify(newToken, await jwksOf(after), options)).resolves.toMatchObject({
      protectedHeader: { alg: 'EdDSA' },
    });
  });

  it('fails a token signed by a key that is not published', async () => {
    const { client, secret } = await createTestClient();
    const stranger = createTestApp({ SIGNING_KEYS: JSON.stringify({ keys: [await generateSigningJwk('ES256')] }) });
    const token = await clientCredentialsToken(stranger, client.id, secret);
    const issuer = createTestApp();
    await expect(jwtVerify(token, await jwksOf(issuer))).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });

  it('signs with RS256 when an RSA key comes first', async () => {
    const { client, secret } = await createTestClient();
    const rsa = createTestApp({ SIGNING_KEYS: JSON.stringify({ keys: [await generateSigningJwk('RS256')] }) });
    const token = await clientCredentialsToken(rsa, client.id, secret);
    await expect(jwtVerify(token, await jwksOf(rsa))).resolves.toMatchObject({
      protectedHeader: { alg: 'RS256', typ: 'at+jwt' },
    });
  });
});
