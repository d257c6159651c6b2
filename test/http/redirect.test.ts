// headerSafeLocation: whatever a stored URI holds, the Location built from it is a valid header value, so building a
// redirect cannot throw "Invalid header value" (a 500) and cannot split the response.
import { describe, expect, it } from 'vitest';
import { headerSafeLocation } from '../../src/http/redirect';

describe('headerSafeLocation', () => {
  it.each([
    ['a line break', 'https://app.example/cb\r\nSet-Cookie: a=b', 'https://app.example/cb%0D%0ASet-Cookie:%20a=b'],
    ['a NUL and a tab', 'https://app.example/\u0000\t', 'https://app.example/%00%09'],
    ['non-ASCII', 'https://app.example/ü', 'https://app.example/%C3%BC'],
    ['a lone surrogate', 'https://app.example/\ud800', 'https://app.example/%EF%BF%BD'],
  ])('percent-encodes %s into a value Headers accepts', (_, uri, expected) => {
    expect(headerSafeLocation(uri)).toBe(expected);
    expect(new Headers({ Location: headerSafeLocation(uri) }).get('location')).toBe(expected);
  });

  it('leaves a URI of visible ASCII as it is', () => {
    const uri = 'http://127.0.0.1:49152/cb?code=a%20b&state=x~y';
    expect(headerSafeLocation(uri)).toBe(uri);
  });
});
