// PKCE (RFC 7636): the S256 challenge of Appendix B, the verifier's length and alphabet (§4.1), and S256 as the only
// code_challenge_method (plain, and an absent method, which means plain (§4.3), are refused).
import { describe, expect, it } from 'vitest';
import { OAuthError } from '../../src/oauth/errors';
import { assertCodeChallenge, s256, verifyCodeVerifier } from '../../src/oauth/pkce';

// RFC 7636 Appendix B.
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('PKCE (RFC 7636)', () => {
  it('computes the S256 challenge of Appendix B', async () => {
    expect(await s256(VERIFIER)).toBe(CHALLENGE);
  });

  it('accepts the matching verifier and refuses any other', async () => {
    expect(await verifyCodeVerifier(VERIFIER, CHALLENGE)).toBe(true);
    expect(await verifyCodeVerifier(`${VERIFIER.slice(0, -1)}l`, CHALLENGE)).toBe(false);
    expect(await verifyCodeVerifier(CHALLENGE, CHALLENGE)).toBe(false);
  });

  it.each([
    ['42 characters', 'a'.repeat(42)],
    ['129 characters', 'a'.repeat(129)],
    ['a character outside the unreserved set', `${'a'.repeat(43)}=`],
  ])('refuses a verifier of %s (§4.1)', async (_, verifier) => {
    expect(await verifyCodeVerifier(verifier, await s256(verifier))).toBe(false);
  });

  it('accepts verifiers of 43 and 128 unreserved characters', async () => {
    for (const verifier of ['a'.repeat(43), `${'-._~'.repeat(32)}`]) {
      expect(await verifyCodeVerifier(verifier, await s256(verifier))).toBe(true);
    }
  });

  it('accepts an S256 challenge and refuses plain, an absent method (which means plain, §4.3) and a malformed challenge', () => {
    expect(() => assertCodeChallenge(CHALLENGE, 'S256')).not.toThrow();
    for (const [challenge, method] of [
      [CHALLENGE, 'plain'],
      [CHALLENGE, undefined],
      [CHALLENGE, 's256'],
      ['too-short', 'S256'],
      [`${CHALLENGE}=`, 'S256'],
    ] as const) {
      expect(() => assertCodeChallenge(challenge, method)).toThrow(OAuthError);
    }
    expect(() => assertCodeChallenge(CHALLENGE, 'plain')).toThrow(
      expect.objectContaining({
        code: 'invalid_request',
        description: 'code_challenge_method must be S256; plain is not supported',
      }),
    );
  });
});
