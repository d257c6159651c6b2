// Which user claims go where (OIDC Core §5.4, §5.5): scope claims to userinfo, `claims` requests by name to either,
// claims without a value left out; the `claims` parameter's parsing (§5.5.1); an essential acr (§5.5.1.1).
import { describe, expect, it } from 'vitest';
import { assertAcrRequestSatisfiable, PASSWORD_ACR } from '../../src/oauth/authentication-context';
import { claimsWithinScopes, idTokenUserClaims, scopesOfClaims, userinfoClaims } from '../../src/oauth/claims';
import { claimsParameterOf, parseClaimsParameter } from '../../src/oauth/claims-request';
import { OAuthError } from '../../src/oauth/errors';
import { NO_PROFILE, type User } from '../../src/storage/types';

const USER: User = {
  id: 'u1',
  username: 'ada',
  email: 'ada@example.com',
  emailVerified: true,
  passwordHash: 'x',
  isAdmin: false,
  disabled: false,
  ...NO_PROFILE,
  name: 'Ada Lovelace',
  locale: 'en-GB',
  profileUpdatedAt: 1_800_000_000,
  createdAt: 1,
  updatedAt: 1,
};

describe('user claims', () => {
  it('releases at userinfo the claims of the granted scopes that have a value, and nothing for openid alone', () => {
    expect(userinfoClaims(USER, ['openid'], [])).toEqual({});
    expect(userinfoClaims(USER, ['openid', 'profile'], [])).toEqual({
      name: 'Ada Lovelace',
      preferred_username: 'ada',
      locale: 'en-GB',
      updated_at: 1_800_000_000,
    });
    expect(userinfoClaims(USER, ['openid', 'email'], [])).toEqual({ email: 'ada@example.com', email_verified: true });
  });

  it('adds the claims asked for by name, ignores unknown names, and leaves email_verified out without an email', () => {
    expect(userinfoClaims(USER, ['openid'], ['name', 'shoe_size'])).toEqual({ name: 'Ada Lovelace' });
    expect(userinfoClaims({ ...USER, email: null }, ['openid', 'email'], [])).toEqual({});
  });

  it('puts in the ID Token only the user claims its claims member asks for (§5.5)', () => {
    expect(idTokenUserClaims(USER, undefined)).toEqual({});
    expect(idTokenUserClaims(USER, { email: { essential: true }, acr: {} })).toEqual({ email: 'ada@example.com' });
  });

  it('maps claims asked for by name to the scopes whose consent covers them', () => {
    expect(scopesOfClaims(['name', 'email_verified', 'acr'])).toEqual(['profile', 'email']);
    expect(scopesOfClaims(['auth_time'])).toEqual([]);
  });
});

describe('parseClaimsParameter (OIDC Core §5.5)', () => {
  it('reads userinfo and id_token, turns null requests into {}, and ignores other members', () => {
    const claims = parseClaimsParameter(
      '{"userinfo":{"name":null,"email":{"essential":true}},"id_token":{"acr":{"values":["a"]}},"other":{}}',
    );
    expect(claims).toEqual({ userinfo: { name: {}, email: { essential: true } }, idToken: { acr: { values: ['a'] } } });
    expect(parseClaimsParameter(claimsParameterOf(claims!))).toEqual(claims);
    expect(parseClaimsParameter(undefined)).toBeNull();
    expect(parseClaimsParameter('{"userinfo":null}')).toEqual({});
  });

  it.each(['{', '"x"', '{"userinfo":[]}', '{"id_token":{"acr":1}}', '{"id_token":{"acr":{"values":"a"}}}'])(
    'refuses %s with invalid_request',
    (value) => {
      expect(() => parseClaimsParameter(value)).toThrow(OAuthError);
    },
  );
});

describe('assertAcrRequestSatisfiable (OIDC Core §5.5.1.1)', () => {
  it('accepts a voluntary acr and an essential one that allows ours; refuses an essential one that does not', () => {
    expect(() => assertAcrRequestSatisfiable({ idToken: { acr: { values: ['phr'] } } })).not.toThrow();
    expect(() => assertAcrRequestSatisfiable({ idToken: { acr: { essential: true } } })).not.toThrow();
    expect(() =>
      assertAcrRequestSatisfiable({ idToken: { acr: { essential: true, values: ['phr', PASSWORD_ACR] } } }),
    ).not.toThrow();
    // phrh (hardware-protected) is not issued: nothing shows a passkey's key is (docs/accounts.md "Passkeys").
    expect(() => assertAcrRequestSatisfiable({ idToken: { acr: { essential: true, value: 'phrh' } } })).toThrow(
      expect.objectContaining({ code: 'unmet_authentication_requirements' }),
    );
  });
});

describe('claimsWithinScopes', () => {
  it('drops the user claims of scopes the client may not request, keeping the others and the non-user claims', () => {
    const claims = { userinfo: { name: {}, email: {} }, idToken: { acr: { essential: true }, nickname: {} } };
    expect(claimsWithinScopes(claims, ['openid', 'email'])).toEqual({
      userinfo: { email: {} },
      idToken: { acr: { essential: true } },
    });
  });
});
