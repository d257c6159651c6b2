// grant_type=client_credentials (RFC 6749 §4.4): a client_secret_basic client gets the exact §5.1 response and an
// RFC 9068 at+jwt access token that verifies against the published JWKS with exactly the expected claims.
import { describe, expect, it } from 'vitest';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { createTestClient } from '../helpers/clients';
import { TEST_AUDIENCE, TEST_ISSUER } from '../helpers/constants';
import { basicAuthorization, postForm, publishedKeys } from '../helpers/http';

describe('POST /oauth/token grant_type=client_credentials', () => {
  it('issues an RFC 9068 access token to a client authenticated with client_secret_basic', async () => {
    const { client, secret } = await createTestClient();
    const response = await postForm(
      '/oauth/token',
      { grant_type: 'client_credentials' },
      { Authorization: basicAuthorization(client.id, secret) },
    );

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await response.json<Record<string, unknown>>();
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 900,
      scope: 'read write',
    });

    const token = body.access_token as string;
    expect(decodeProtectedHeader(token)).toMatchObject({ typ: 'at+jwt', alg: 'ES256', kid: expect.any(String) });
    const { payload } = await jwtVerify(token, await publishedKeys(), {
      issuer: TEST_ISSUER,
      audience: TEST_AUDIENCE,
      typ: 'at+jwt',
    });
    expect(payload).toEqual({
      iss: TEST_ISSUER,
      sub: client.id,
      aud: TEST_AUDIENCE,
      client_id: client.id,
      scope: 'read write',
      jti: expect.any(String),
      iat: expect.any(Number),
      exp: (payload.iat ?? 0) + 900,
    });
  });
});
