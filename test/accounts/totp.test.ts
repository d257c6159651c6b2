// RFC 6238 codes: the test vectors of Appendix B (SHA-1) through the server's function and the tests' own
// implementation, the key URI, the accepted drift of one step either side (§5.2), and no step accepted twice.
import { describe, expect, it } from 'vitest';
import { matchingTimeStep, timeStepAt, totpCodeAt, totpKey } from '../../src/accounts/totp';
import { decodeBase32, totpCode } from '../helpers/totp';

// RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890", 8 digits.
const RFC_SEED = new TextEncoder().encode('12345678901234567890');
const RFC_VECTORS: Array<[number, string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP codes (RFC 6238)', () => {
  it.each(RFC_VECTORS)('gives the Appendix B code at T = %i', async (unixSeconds, code) => {
    expect(totpCodeAt(RFC_SEED, unixSeconds, 8)).toBe(code);
    expect(await totpCode(RFC_SEED, unixSeconds, 8)).toBe(code);
    // The 6-digit code apps show is the same number's last six digits (RFC 4226 §5.3).
    expect(totpCodeAt(RFC_SEED, unixSeconds)).toBe(code.slice(2));
  });

  it('accepts a code of the current step or one step either side, and says which step', () => {
    const now = 1_800_000_015;
    const step = timeStepAt(now);
    for (const offset of [-1, 0, 1]) {
      const code = totpCodeAt(RFC_SEED, now + offset * 30);
      expect(matchingTimeStep(RFC_SEED, code, now, null)).toBe(step + offset);
    }
    for (const offset of [-2, 2]) {
      expect(matchingTimeStep(RFC_SEED, totpCodeAt(RFC_SEED, now + offset * 30), now, null)).toBeNull();
    }
    expect(matchingTimeStep(RFC_SEED, 'abcdef', now, null)).toBeNull();
  });

  it('refuses a code of a step at or before the last one used (§5.2: accepted once)', () => {
    const now = 1_800_000_015;
    const step = timeStepAt(now);
    const code = totpCodeAt(RFC_SEED, now);
    expect(matchingTimeStep(RFC_SEED, code, now, step)).toBeNull();
    expect(matchingTimeStep(RFC_SEED, code, now, step + 1)).toBeNull();
    expect(matchingTimeStep(RFC_SEED, code, now, step - 1)).toBe(step);
  });

  it('gives apps an otpauth:// URI with the issuer, the account and the parameters, and the key in base32', () => {
    const key = totpKey('Portcullis (issuer.test)', 'alice', RFC_SEED);
    const uri = new URL(key.uri);
    expect(`${uri.protocol}//${uri.host}${decodeURIComponent(uri.pathname)}`).toBe(
      'otpauth://totp/Portcullis (issuer.test):alice',
    );
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      issuer: 'Portcullis (issuer.test)',
      algorithm: 'SHA1',
      secret: key.base32,
      period: '30',
      digits: '6',
    });
    expect(decodeBase32(key.base32)).toEqual(RFC_SEED);
  });
});
