// JWT client authentication (RFC 7523 §2.2 and §3, OIDC Core §9): private_key_jwt against a registered `jwks` or a
// `jwks_uri`, and client_secret_jwt with the sealed secret, at token, revocation and introspection; each RFC 7523 §3
// rule refused as invalid_client (401) without saying which: wrong or extra `aud`, expired or far-off `exp`, replayed
// `jti`, unknown `kid`, an algorithm the client did not register, `none`, HMAC keyed with the public key.
import { env } from 'cloudflare:test';
import { base64url } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { storesFor } from '../../src/storage/stores';
import { expectOAuthError } from '../helpers/authorization';
import { TEST_ISSUER } from '../helpers/constants';
import { postForm, send } from '../helpers/http';
import { bearer, register, sendJson } from '../helpers/registration';
import {
  assertionKeyOf,
  CLIENT_ASSERTION_TYPE,
  CLIENT_AUTHENTICATION_FAILED,
  privateKeyJwtClientRecord,
  signClientAssertion,
  signingKeyPair,
} from '../fixtures/jwt-client';

afterEach(() => {
  vi.restoreAllMocks();
});

const FAILED = CLIENT_AUTHENTICATION_FAILED;

async function createJwtClient(overrides: Parameters<typeof privateKeyJwtClientRecord>[2] = {}, alg = 'ES256') {
  const record = await privateKeyJwtClientRecord(`jwt-${crypto.randomUUID()}`, 'JWT client', overrides, alg);
  await storesFor(env.DB).clients.create(record.client);
  return record;
}

function withAssertion(assertion: string, path = '/oauth/token', form: Record<string, string> = {}) {
  const defaults: Record<string, string> =
    path === '/oauth/token' ? { grant_type: 'client_credentials' } : { token: 'anything' };
  return postForm(path, {
    ...defaults,
    ...form,
    client_assertion_type: CLIENT_ASSERTION_TYPE,
    client_assertion: assertion,
  });
}

describe('private_key_jwt (RFC 7523 §2.2)', () => {
  it.each([
    ['token', '/oauth/token'],
    ['revocation', '/oauth/revoke'],
    ['introspection', '/oauth/introspect'],
  ])('authenticates a client at the %s endpoint', async (_, path) => {
    const { client, key } = await createJwtClient();
    const response = await withAssertion(await signClientAssertion(client.id, assertionKeyOf(key), TEST_ISSUER), path);
    expect(response.status).toBe(200);
  });

  it('accepts the token endpoint URL as aud, and RS256, PS256 and EdDSA keys', async () => {
    for (const alg of ['RS256', 'PS256', 'EdDSA']) {
      const { client, key } = await createJwtClient({}, alg);
      const assertion = await signClientAssertion(client.id, assertionKeyOf(key), `${TEST_ISSUER}/oauth/token`);
      expect((await withAssertion(assertion)).status, alg).toBe(200);
    }
  });

  it.each([
    ['another audience', { aud: 'https://elsewhere.example' }],
    ['an extra audience next to the issuer', { aud: [TEST_ISSUER, 'https://elsewhere.example'] }],
    ['an expired exp', { exp: Math.floor(Date.now() / 1000) - 120 }],
    ['an exp more than 5 minutes ahead', { exp: Math.floor(Date.now() / 1000) + 3600 }],
    ['no jti', { jti: undefined }],
    ['another iss than sub', { iss: 'someone-else' }],
  ])('refuses an assertion with %s (RFC 7523 §3)', async (_, claims) => {
    const { client, key } = await createJwtClient();
    const assertion = await signClientAssertion(client.id, assertionKeyOf(key), TEST_ISSUER, { claims });
    await expectOAuthError(await withAssertion(assertion), 401, 'invalid_client', FAILED);
  });

  it('refuses a replayed jti (RFC 7523 §3 item 7)', async () => {
    const { client, key } = await createJwtClient();
    const assertion = await signClientAssertion(client.id, assertionKeyOf(key), TEST_ISSUER);
    expect((await withAssertion(assertion)).status).toBe(200);
    await expectOAuthError(await withAssertion(assertion), 401, 'invalid_client', FAILED);
  });

  it('refuses an unknown kid and a key the client did not register', async () => {
    const { client, key } = await createJwtClient();
    const unknownKid = await signClientAssertion(client.id, { ...assertionKeyOf(key), kid: 'nope' }, TEST_ISSUER);
    await expectOAuthError(await withAssertion(unknownKid), 401, 'invalid_client', FAILED);
    const stranger = await signingKeyPair();
    const foreign = await signClientAssertion(
      client.id,
      { ...assertionKeyOf(stranger), kid: key.publicJwk.kid },
      TEST_ISSUER,
    );
    await expectOAuthError(await withAssertion(foreign), 401, 'invalid_client', FAILED);
  });

  it('refuses an algorithm other than the registered token_endpoint_auth_signing_alg', async () => {
    const rsa = await signingKeyPair('RS256');
    const { client } = await createJwtClient({
      metadata: { jwks: { keys: [rsa.publicJwk] }, token_endpoint_auth_signing_alg: 'PS256' },
    });
    const assertion = await signClientAssertion(client.id, assertionKeyOf(rsa), TEST_ISSUER);
    await expectOAuthError(await withAssertion(assertion), 401, 'invalid_client', FAILED);
  });

  it('refuses alg none, and HS256 keyed with the public key', async () => {
    const { client, key } = await createJwtClient({}, 'RS256');
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: client.id, sub: client.id, aud: TEST_ISSUER, jti: crypto.randomUUID(), exp: now + 60 };
    const unsigned = `${base64url.encode(JSON.stringify({ alg: 'none' }))}.${base64url.encode(JSON.stringify(claims))}.`;
    await expectOAuthError(await withAssertion(unsigned), 401, 'invalid_client', FAILED);
    // The key-confusion attack: HMAC with the RSA public key's bytes as the secret. It is an HMAC assertion, so it
    // is judged as client_secret_jwt, which this client is not.
    const publicBytes = new TextEncoder().encode(JSON.stringify(key.publicJwk));
    const confused = await signClientAssertion(client.id, { privateKey: publicBytes, alg: 'HS256' }, TEST_ISSUER);
    await expectOAuthError(await withAssertion(confused), 401, 'invalid_client', FAILED);
  });

  it('refuses a client_id that is not the assertion subject, and a wrong assertion type', async () => {
    const { client, key } = await createJwtClient();
    const assertion = await signClientAssertion(client.id, assertionKeyOf(key), TEST_ISSUER);
    await expectOAuthError(
      await withAssertion(assertion, '/oauth/token', { client_id: 'other' }),
      400,
      'invalid_request',
      'client_id does not match the client assertion',
    );
    const wrongType = await postForm('/oauth/token', {
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:example:saml',
      client_assertion: assertion,
    });
    expect(wrongType.status).toBe(400);
  });

  it('refuses an assertion from a client registered for another method', async () => {
    const { client, key } = await createJwtClient({ tokenEndpointAuthMethod: 'client_secret_basic' });
    const assertion = await signClientAssertion(client.id, assertionKeyOf(key), TEST_ISSUER);
    await expectOAuthError(await withAssertion(assertion), 401, 'invalid_client', FAILED);
  });
});

describe('private_key_jwt with a jwks_uri', () => {
  it('fetches the keys, and picks up a key the client rotated at its jwks_uri at once', async () => {
    let published = await signingKeyPair();
    const jwksUri = 'https://client.example/jwks.json';
    const fetchSpy = vi
      .spyOn(globalThis, 'fetch')
      .mockImplementation(async () => Response.json({ keys: [published.publicJwk] }));
    const { client } = await createJwtClient({ metadata: { jwks_uri: jwksUri } });
    const first = await signClientAssertion(client.id, assertionKeyOf(published), TEST_ISSUER);
    expect((await withAssertion(first)).status).toBe(200);
    // No redirects followed, and a time limit on every fetch (CLIENT_JWKS_LIMITS).
    expect(fetchSpy).toHaveBeenCalledWith(
      jwksUri,
      expect.objectContaining({ redirect: 'manual', signal: expect.any(AbortSignal) }),
    );

    published = await signingKeyPair();
    const rotated = await signClientAssertion(client.id, assertionKeyOf(published), TEST_ISSUER);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31_000);
    expect((await withAssertion(rotated)).status).toBe(200);
    vi.useRealTimers();
  });

  it('refuses when the jwks_uri redirects or answers more than 64 KiB', async () => {
    const key = await signingKeyPair();
    const { client } = await createJwtClient({ metadata: { jwks_uri: 'https://client.example/big.json' } });
    vi.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response('x'.repeat(70_000)));
    const assertion = await signClientAssertion(client.id, assertionKeyOf(key), TEST_ISSUER);
    await expectOAuthError(await withAssertion(assertion), 401, 'invalid_client', FAILED);
    const other = await createJwtClient({ metadata: { jwks_uri: 'https://client.example/moved.json' } });
    vi.spyOn(globalThis, 'fetch').mockImplementation(
      async () => new Response(null, { status: 302, headers: { Location: 'https://evil.example/jwks.json' } }),
    );
    const redirected = await signClientAssertion(other.client.id, assertionKeyOf(other.key), TEST_ISSUER);
    await expectOAuthError(await withAssertion(redirected), 401, 'invalid_client', FAILED);
  });
});

describe('client_secret_jwt (RFC 7523 §2.2)', () => {
  async function registerSecretJwtClient() {
    const { response, body } = await register({
      client_name: 'HMAC client',
      token_endpoint_auth_method: 'client_secret_jwt',
      grant_types: ['client_credentials'],
    });
    expect(response.status).toBe(201);
    return { clientId: body.client_id as string, secret: body.client_secret as string };
  }

  it('authenticates with an HS256 assertion keyed with the client secret, which is stored sealed', async () => {
    const { clientId, secret } = await registerSecretJwtClient();
    const key = { privateKey: new TextEncoder().encode(secret), alg: 'HS256' };
    expect((await withAssertion(await signClientAssertion(clientId, key, TEST_ISSUER))).status).toBe(200);
    const row = await env.DB.prepare('SELECT secret_hash, secret_ciphertext FROM clients WHERE id = ?')
      .bind(clientId)
      .first<{ secret_hash: string; secret_ciphertext: string }>();
    expect(row?.secret_ciphertext).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(row?.secret_ciphertext).not.toContain(secret);
    expect(JSON.stringify(row)).not.toContain(secret);
  });

  it('refuses an assertion keyed with another secret, and a replayed one', async () => {
    const { clientId, secret } = await registerSecretJwtClient();
    const wrong = { privateKey: new TextEncoder().encode(`${secret}x`), alg: 'HS256' };
    await expectOAuthError(
      await withAssertion(await signClientAssertion(clientId, wrong, TEST_ISSUER)),
      401,
      'invalid_client',
      FAILED,
    );
    const right = await signClientAssertion(
      clientId,
      { privateKey: new TextEncoder().encode(secret), alg: 'HS256' },
      TEST_ISSUER,
    );
    expect((await withAssertion(right)).status).toBe(200);
    await expectOAuthError(await withAssertion(right), 401, 'invalid_client', FAILED);
  });
});

describe('the sealed secret across RFC 7592 updates', () => {
  it('drops the sealed copy when a client leaves client_secret_jwt, and issues a new secret when it comes back', async () => {
    const { body } = await register({
      token_endpoint_auth_method: 'client_secret_jwt',
      grant_types: ['client_credentials'],
    });
    const clientId = body.client_id as string;
    const update = (method: string) =>
      sendJson(
        `/oauth/register/${clientId}`,
        'PUT',
        { client_id: clientId, token_endpoint_auth_method: method, grant_types: ['client_credentials'] },
        bearer(body.registration_access_token as string),
      );
    const toBasic = await update('client_secret_basic');
    expect(toBasic.status).toBe(200);
    const sealed = () =>
      env.DB.prepare('SELECT secret_ciphertext FROM clients WHERE id = ?')
        .bind(clientId)
        .first<string>('secret_ciphertext');
    expect(await sealed()).toBeNull();
    const back = await (await update('client_secret_jwt')).json<Record<string, unknown>>();
    expect(back.client_secret).toEqual(expect.any(String));
    expect(back.client_secret).not.toBe(body.client_secret);
    const key = { privateKey: new TextEncoder().encode(back.client_secret as string), alg: 'HS256' };
    expect((await withAssertion(await signClientAssertion(clientId, key, TEST_ISSUER))).status).toBe(200);
  });
});

describe('registering JWT client authentication (RFC 7591 §2)', () => {
  it('registers private_key_jwt with jwks, and echoes the keys', async () => {
    const { publicJwk } = await signingKeyPair();
    const { response, body } = await register({
      token_endpoint_auth_method: 'private_key_jwt',
      grant_types: ['client_credentials'],
      jwks: { keys: [publicJwk] },
      token_endpoint_auth_signing_alg: 'ES256',
    });
    expect(response.status).toBe(201);
    expect(body).toMatchObject({ jwks: { keys: [publicJwk] }, token_endpoint_auth_signing_alg: 'ES256' });
    expect(body.client_secret).toBeUndefined();
  });

  it.each([
    ['no keys', {}, 'jwks or jwks_uri is required for private_key_jwt'],
    [
      'jwks and jwks_uri',
      { jwks: { keys: [{ kty: 'EC' }] }, jwks_uri: 'https://a.example/j' },
      'jwks must not be sent together with jwks_uri',
    ],
    [
      'a private key',
      { jwks: { keys: [{ kty: 'EC', d: 'secret' }] } },
      'jwks.keys[0] must be a public key (no private or symmetric key members)',
    ],
    ['an http jwks_uri', { jwks_uri: 'http://client.example/jwks' }, 'jwks_uri must use https'],
    [
      'an HMAC signing alg',
      { jwks_uri: 'https://a.example/j', token_endpoint_auth_signing_alg: 'HS256' },
      'token_endpoint_auth_signing_alg must be one of RS256, PS256, ES256, EdDSA for private_key_jwt',
    ],
  ])('refuses private_key_jwt with %s (invalid_client_metadata)', async (_, extra, description) => {
    const { response, body } = await register({
      token_endpoint_auth_method: 'private_key_jwt',
      grant_types: ['client_credentials'],
      ...extra,
    });
    expect(response.status).toBe(400);
    expect(body).toEqual({ error: 'invalid_client_metadata', error_description: description });
  });

  it('advertises the methods and their algorithms in discovery (RFC 8414 §2)', async () => {
    const metadata = await (await send('/.well-known/oauth-authorization-server')).json<Record<string, unknown>>();
    const methods = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt'];
    expect(metadata.token_endpoint_auth_methods_supported).toEqual([...methods, 'none']);
    expect(metadata.introspection_endpoint_auth_methods_supported).toEqual(methods);
    for (const endpoint of ['token', 'revocation', 'introspection']) {
      expect(metadata[`${endpoint}_endpoint_auth_signing_alg_values_supported`]).toEqual([
        'RS256',
        'PS256',
        'ES256',
        'EdDSA',
        'HS256',
      ]);
    }
  });
});
