// Password storage: the self-describing pbkdf2-sha256 format (100,000 iterations, 16-byte salt), NFKC-normalised
// passwords, rehash of cheaper hashes, the 100,000-iteration cap deployed Workers impose, malformed hashes refused;
// and passwordProblem's length (in code points) and weak-password rules.
import { describe, expect, it } from 'vitest';
import {
  hashPassword,
  MAX_PBKDF2_ITERATIONS,
  PasswordHashError,
  verifyPassword,
} from '../../src/accounts/password-hash';
import { passwordProblem } from '../../src/accounts/password-policy';

describe('hashPassword and verifyPassword', () => {
  it('writes the self-describing pbkdf2-sha256 format with 100,000 iterations and a 16-byte salt', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  });

  it('salts every hash, so the same password hashes differently', async () => {
    expect(await hashPassword('correct horse battery staple')).not.toBe(
      await hashPassword('correct horse battery staple'),
    );
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(await verifyPassword('correct horse battery staple', hash)).toEqual({ valid: true, needsRehash: false });
    expect(await verifyPassword('correct horse battery stapler', hash)).toEqual({ valid: false, needsRehash: false });
  });

  it('treats canonically equivalent Unicode spellings as one password (NFKC)', async () => {
    const hash = await hashPassword('caf\u00e9 au lait');
    expect(await verifyPassword('cafe\u0301 au lait', hash)).toEqual({ valid: true, needsRehash: false });
  });

  it('asks for a rehash of a valid hash made with fewer iterations', async () => {
    const oldHash = await hashPassword('correct horse battery staple', 10_000);
    expect(oldHash.startsWith('pbkdf2-sha256$10000$')).toBe(true);
    expect(await verifyPassword('correct horse battery staple', oldHash)).toEqual({ valid: true, needsRehash: true });
  });

  // Deployed Workers reject PBKDF2 above 100,000 iterations while local workerd accepts them: the cap is in code.
  it('refuses to hash with more than 100,000 iterations', async () => {
    await expect(hashPassword('correct horse battery staple', MAX_PBKDF2_ITERATIONS + 1)).rejects.toThrow(
      PasswordHashError,
    );
  });

  it('refuses to verify against a hash with more than 100,000 iterations', async () => {
    const hash = await hashPassword('correct horse battery staple');
    const tooCostly = hash.replace('$100000$', '$100001$');
    await expect(verifyPassword('correct horse battery staple', tooCostly)).rejects.toThrow(PasswordHashError);
  });

  it.each([
    ['an unknown scheme', 'argon2id$v=19$m=65536$c2FsdA$aGFzaA'],
    ['a missing part', 'pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA'],
    ['a non-numeric cost', 'pbkdf2-sha256$many$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a zero cost', 'pbkdf2-sha256$0$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a short hash', 'pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA$AAAA'],
    ['bad base64url', 'pbkdf2-sha256$1000$!!!!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
  ])('refuses to verify against %s', async (_label, stored) => {
    await expect(verifyPassword('whatever', stored)).rejects.toThrow(PasswordHashError);
  });
});

describe('passwordProblem', () => {
  it.each([
    ['sev3n!!', 'ada', 'password_too_short'],
    ['a'.repeat(129), 'ada', 'password_too_long'],
    ['zzzzzzzzzzzz', 'ada', 'password_weak'],
    ['Password1', 'ada', 'password_weak'],
    ['ada.lovelace', 'ada.lovelace', 'password_weak'],
    ['ADA.LOVELACE', 'ada.lovelace', 'password_weak'],
    ['correct horse battery staple', 'ada', null],
    [`${'a'.repeat(127)}b`, 'ada', null],
    // Eight code points, though more UTF-16 units: length counts characters.
    ['\u{1F600}\u{1F601}\u{1F602}\u{1F603}\u{1F604}\u{1F605}\u{1F606}\u{1F607}', 'ada', null],
  ])('judges %j for user %s as %s', (password, username, expected) => {
    expect(passwordProblem(password, username)).toBe(expected);
  });
});
