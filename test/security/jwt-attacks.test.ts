// JWT attacks (RFC 8725 §2, RFC 9068 §4, RFC 9700 §4.6) at every place that accepts one of our JWTs: the verifier
// library, userinfo, introspection and id_token_hint. Each target first accepts the genuine token, so only the forgery
// can be the reason for the refusal.
import { describe, expect, it } from 'vitest';
import { createVerifier, type Verifier } from '@portcullis/verify';
import { createPublicCodeClient, postAsClient } from '../helpers/authorization';
import { withQuery } from '../helpers/authorize';
import { createTestClient, type TestClient } from '../helpers/clients';
import { TEST_AUDIENCE, TEST_ISSUER } from '../helpers/constants';
import {
  accessTokenClaims,
  idTokenClaims,
  JWT_ATTACKS,
  signAsIssuer,
  withWrongAudience,
  withWrongTyp,
} from '../helpers/forged-jwt';
import { send } from '../helpers/http';
import { createTestUser } from '../helpers/users';

const AT_TYP = 'at+jwt';

interface AccessTokenTarget {
  name: string;
  /** Whether the target takes `token` as a valid access token. */
  accepts(token: string): Promise<boolean>;
}

async function jwksVerifier(): Promise<Verifier> {
  const jwks = await (await send('/.well-known/jwks.json')).json<{ keys: never[] }>();
  return createVerifier({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE, jwks, tokenCacheMaxAgeSeconds: 0 });
}

async function accessTokenTargets(introspector: TestClient): Promise<AccessTokenTarget[]> {
  const verifier = await jwksVerifier();
  return [
    {
      name: 'the verifier library',
      accepts: (token) =>
        verifier(token).then(
          () => true,
          () => false,
        ),
    },
    {
      name: 'userinfo',
      async accepts(token) {
        const response = await send('/oauth/userinfo', { headers: { Authorization: `Bearer ${token}` } });
        if (response.status === 200) return true;
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
        return false;
      },
    },
    {
      name: 'introspection',
      async accepts(token) {
        const response = await postAsClient(introspector, '/oauth/introspect', { token });
        expect(response.status).toBe(200);
        return (await response.json<{ active: boolean }>()).active;
      },
    },
  ];
}

describe('JWT attacks on access tokens (RFC 8725 §2, RFC 9068 §4)', async () => {
  const { user } = await createTestUser();
  const introspector = await createTestClient();
  const targets = await accessTokenTargets(introspector);
  const claims = accessTokenClaims(user.id, introspector.client.id);

  describe.each(targets)('at $name', (target) => {
    it('accepts the genuine token (the control)', async () => {
      expect(await target.accepts(await signAsIssuer(claims, { typ: AT_TYP }))).toBe(true);
    });

    it.each(JWT_ATTACKS)('refuses $name', async (attack) => {
      expect(await target.accepts(await attack.forge(claims, AT_TYP))).toBe(false);
    });

    it.each([
      ['JWT (an ID Token)', 'JWT'],
      ['no typ at all', undefined],
    ])('refuses a wrong typ: %s (RFC 9068 §4 step 2, token substitution)', async (_, typ) => {
      expect(await target.accepts(await withWrongTyp(claims, typ))).toBe(false);
    });

    it('refuses a token for another audience (RFC 9068 §4 step 4)', async () => {
      expect(await target.accepts(await withWrongAudience(claims, AT_TYP))).toBe(false);
    });
  });
});

describe('JWT attacks on id_token_hint (OIDC Core §3.1.2.1, RP-Initiated Logout §2)', async () => {
  const { user } = await createTestUser();
  const { client } = await createPublicCodeClient();
  const claims = idTokenClaims(user.id, client.id);

  /** Nobody is signed in: a genuine hint gets the signed-out page (200), a refused one the error page (400). */
  async function logoutWith(hint: string): Promise<number> {
    const response = await send(withQuery('/oauth/logout', { id_token_hint: hint }), { redirect: 'manual' });
    expect(response.headers.get('location')).toBeNull();
    return response.status;
  }

  it('accepts the genuine ID Token (the control)', async () => {
    expect(await logoutWith(await signAsIssuer(claims, { typ: 'JWT' }))).toBe(200);
  });

  // An expired hint is accepted on purpose (RP-Initiated Logout §2: the relying party logs out with what it has);
  // its signature, issuer and typ are still checked.
  it.each(JWT_ATTACKS.filter((attack) => !attack.name.startsWith('expired')))('refuses $name', async (attack) => {
    expect(await logoutWith(await attack.forge(claims, 'JWT'))).toBe(400);
  });

  it('refuses an access token presented as an ID Token (typ at+jwt, token substitution)', async () => {
    expect(await logoutWith(await withWrongTyp(claims, AT_TYP))).toBe(400);
  });
});
