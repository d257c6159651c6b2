// How the user signed in (OIDC `amr`, RFC 8176) travels from the session to every token of the grant: the code, its
// refresh tokens and their ID Tokens; `acr` is derived from it; an essential acr the sign-in does not meet fails.
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { decodeJwt } from 'jose';
import {
  acrOf,
  assertSignInMeetsAcr,
  authenticationClaims,
  PASSKEY_AMR,
  PASSWORD_ACR,
  PHISHING_RESISTANT_ACR,
} from '../../src/oauth/authentication-context';
import { storesFor } from '../../src/storage/stores';
import { createCodeClient, refreshWith, signIn, type TokenSet } from '../helpers/authorization';
import { createTestUser } from '../helpers/users';

describe('sign-in methods in the tokens of a grant', () => {
  it('puts the code’s amr in the access token and ID Token, and keeps it through refresh rotation', async () => {
    const testClient = await createCodeClient();
    const { user } = await createTestUser();
    const amr = ['hwk', 'user'];
    const first = await signIn(testClient, user, { amr });
    expect(decodeJwt(first.id_token!)).toMatchObject({ amr, acr: acrOf(amr) });
    expect(decodeJwt(first.access_token)).toMatchObject({ amr, acr: acrOf(amr) });

    const rotated = await (await refreshWith(testClient, first.refresh_token!)).json<TokenSet>();
    expect(decodeJwt(rotated.id_token!)).toMatchObject({ amr, acr: acrOf(amr) });
  });

  it('reads a grant stored without methods as a password sign-in', async () => {
    const testClient = await createCodeClient();
    const { user } = await createTestUser();
    const tokens = await signIn(testClient, user, { amr: null });
    expect(decodeJwt(tokens.id_token!)).toMatchObject({ amr: ['pwd'], acr: PASSWORD_ACR });
    expect(authenticationClaims(undefined)).toEqual({ acr: PASSWORD_ACR, amr: ['pwd'] });
  });

  it('stores a session’s methods, and a password for a session created without them', async () => {
    const { user } = await createTestUser();
    const sessions = storesFor(env.DB).sessions;
    const now = Math.floor(Date.now() / 1000);
    const withMethods = await sessions.create({
      userId: user.id,
      authTime: now,
      amr: ['otp', 'pwd'],
      nowSeconds: now,
      ttlSeconds: 60,
    });
    const without = await sessions.create({ userId: user.id, authTime: now, nowSeconds: now, ttlSeconds: 60 });
    expect((await sessions.findActive(withMethods.token, now))?.amr).toEqual(['otp', 'pwd']);
    expect((await sessions.findActive(without.token, now))?.amr).toEqual(['pwd']);
  });
});

describe('acrOf', () => {
  it('states a passkey sign-in as phr (OpenID Connect EAP ACR Values §2), a password as the password acr', () => {
    expect(acrOf(PASSKEY_AMR)).toBe(PHISHING_RESISTANT_ACR);
    expect(PHISHING_RESISTANT_ACR).toBe('phr');
    expect(acrOf(['pwd'])).toBe(PASSWORD_ACR);
    // A key alone, without the user verification a passkey sign-in requires, is not phishing-resistant MFA here.
    expect(acrOf(['pop'])).toBe(PASSWORD_ACR);
  });

  it('lets an essential acr of phr be met by a passkey sign-in only (OIDC Core §5.5.1.1)', () => {
    const claims = { idToken: { acr: { essential: true, value: 'phr' } } };
    expect(() => assertSignInMeetsAcr(claims, PASSKEY_AMR)).not.toThrow();
    expect(() => assertSignInMeetsAcr(claims, ['pwd'])).toThrow(
      expect.objectContaining({ code: 'unmet_authentication_requirements' }),
    );
  });
});

describe('assertSignInMeetsAcr (OIDC Core §5.5.1.1)', () => {
  it('passes a voluntary acr or an essential one the sign-in meets, and fails an essential one it does not', () => {
    expect(() => assertSignInMeetsAcr(null, ['pwd'])).not.toThrow();
    expect(() => assertSignInMeetsAcr({ idToken: { acr: { values: ['phr'] } } }, ['pwd'])).not.toThrow();
    expect(() => assertSignInMeetsAcr({ idToken: { acr: { essential: true } } }, ['pwd'])).not.toThrow();
    expect(() =>
      assertSignInMeetsAcr({ idToken: { acr: { essential: true, values: [PASSWORD_ACR] } } }, ['pwd']),
    ).not.toThrow();
    expect(() => assertSignInMeetsAcr({ idToken: { acr: { essential: true, value: 'phr' } } }, ['pwd'])).toThrow(
      expect.objectContaining({ code: 'unmet_authentication_requirements' }),
    );
  });
});
