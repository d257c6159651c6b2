// OAuthError keeps every error_description inside RFC 6749 §5.2's character set (%x20-21 / %x23-5B / %x5D-7E),
// whatever text it is given, so request values echoed in an error can never break out of it (fast-check property).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OAuthError } from '../../src/oauth/errors';

// RFC 6749 §5.2: error_description = 1*( %x20-21 / %x23-5B / %x5D-7E )
const ERROR_DESCRIPTION = /^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/;

describe('OAuthError error_description (RFC 6749 §5.2)', () => {
  it('keeps any description within the allowed characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const { error_description } = new OAuthError('invalid_request', `grant_type ${text} is not supported`).toJSON();
        expect(error_description).toMatch(ERROR_DESCRIPTION);
      }),
    );
  });

  it('leaves a description that is already allowed as it is', () => {
    const allowed = fc.string({ unit: fc.constantFrom(...' !#$%&()*+,-./09:;<=>?@AZ[]^_`az{|}~'), minLength: 1 });
    fc.assert(
      fc.property(allowed, (text) => {
        fc.pre(!text.includes('%'));
        expect(new OAuthError('invalid_request', text).description).toBe(text);
      }),
    );
  });

  it('percent-encodes what is not allowed, as UTF-8, so the value stays readable', () => {
    expect(new OAuthError('unsupported_grant_type', 'grant_type ｃ"\\ is not supported').toJSON()).toEqual({
      error: 'unsupported_grant_type',
      error_description: 'grant_type %EF%BD%83%22%5C is not supported',
    });
    expect(new OAuthError('invalid_request', 'a\r\nb\u0000\ud800').description).toBe('a%0D%0Ab%00%EF%BF%BD');
  });
});
