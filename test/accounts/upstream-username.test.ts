// Usernames of accounts created by an upstream sign-in (accounts/username.ts): reduced to the username rules from
// the upstream's preferred_username, else the email's local part (never its domain), else the provider's id.
import { describe, expect, it } from 'vitest';
import { normalizeUsername, upstreamUsernameBase, usernameWithSuffix } from '../../src/accounts/username';

describe('upstreamUsernameBase', () => {
  it.each([
    ['Ada.Lovelace', undefined, 'ada.lovelace'],
    ['José Müller', undefined, 'jose-muller'],
    ['--x--', 'grace@example.com', 'grace'],
    [undefined, 'Grace.Hopper+tag@navy.example', 'grace.hopper-tag'],
    ['李', '李@example.com', 'acme-user'],
    [undefined, undefined, 'acme-user'],
    ['a'.repeat(40), undefined, 'a'.repeat(32)],
    ['ab', undefined, 'acme-user'],
  ])('%s / %s gives %s', (preferred, email, expected) => {
    expect(upstreamUsernameBase(preferred, email, 'acme')).toBe(expected);
  });
});

describe('usernameWithSuffix', () => {
  it('stays a valid username, whatever the base', () => {
    for (const base of ['sam', 'a'.repeat(32), `${'b'.repeat(24)}.`]) {
      const name = usernameWithSuffix(base);
      expect(normalizeUsername(name)).toBe(name);
      expect(name).not.toBe(usernameWithSuffix(base));
    }
  });
});
