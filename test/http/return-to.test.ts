// safeReturnTo and loginUrl: only same-origin paths survive as the destination after login; absolute, scheme-relative,
// backslash, control-character, javascript: and over-long values become /account (RFC 9700 §4.11).
import { describe, expect, it } from 'vitest';
import { loginUrl, safeReturnTo } from '../../src/http/return-to';

describe('safeReturnTo (no open redirect, RFC 9700 §4.11)', () => {
  it.each([
    ['/account', '/account'],
    [
      '/oauth/authorize?client_id=a&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=s',
      '/oauth/authorize?client_id=a&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=s',
    ],
    ['/a/../b', '/b'],
  ])('keeps the same-origin path %s', (value, expected) => {
    expect(safeReturnTo(value)).toBe(expected);
  });

  it.each([
    undefined,
    '',
    'https://evil.example/',
    'http:evil.example',
    '//evil.example',
    '///evil.example',
    '/\\evil.example',
    '\\/evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    '/.//evil.example/',
    '/..//evil.example/',
    '/a/..//evil.example/',
    '/%2e//evil.example/',
    'javascript:alert(1)',
    'account',
    `/${'a'.repeat(2048)}`,
  ])('replaces %j with /account', (value) => {
    expect(safeReturnTo(value)).toBe('/account');
  });

  it('emits only values that pass the check themselves (idempotent)', () => {
    for (const value of ['/a/../b', '/.//evil.example/', '/x/./y?z#w', '/%2e%2e//evil.example']) {
      const cleaned = safeReturnTo(value);
      expect(safeReturnTo(cleaned)).toBe(cleaned);
      expect(cleaned.startsWith('//')).toBe(false);
    }
  });

  it('builds the login URL with the return path encoded', () => {
    expect(loginUrl('/oauth/authorize?a=1&b=2')).toBe('/login?return_to=%2Foauth%2Fauthorize%3Fa%3D1%26b%3D2');
    expect(loginUrl('//evil.example')).toBe('/login?return_to=%2Faccount');
  });
});
