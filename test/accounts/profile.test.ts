// parseProfile: the /account profile fields (OIDC Core §5.1): optional, trimmed, empty is null; URLs https (http for
// a website), locale a BCP 47 tag, zoneinfo an IANA time zone, text at most PROFILE_TEXT_MAX_LENGTH characters.
import { describe, expect, it } from 'vitest';
import { PROFILE_TEXT_MAX_LENGTH, parseProfile } from '../../src/accounts/profile';
import { NO_PROFILE } from '../../src/storage/types';

const { profileUpdatedAt: _, ...EMPTY } = NO_PROFILE;

describe('parseProfile', () => {
  it('trims the fields and stores empty ones as null', () => {
    expect(parseProfile({ name: '  Ada Lovelace ', nickname: '', zoneinfo: 'Europe/London' })).toEqual({
      profile: { ...EMPTY, name: 'Ada Lovelace', zoneinfo: 'Europe/London' },
    });
    expect(parseProfile({ website: 'http://ada.example/', locale: 'en-GB' })).toEqual({
      profile: { ...EMPTY, website: 'http://ada.example/', locale: 'en-GB' },
    });
  });

  it.each([
    ['picture', 'http://example.com/ada.png'],
    ['picture', 'javascript:alert(1)'],
    ['website', 'ftp://ada.example/'],
    ['locale', 'en GB'],
    ['zoneinfo', 'Mars/Olympus'],
    ['name', 'x'.repeat(PROFILE_TEXT_MAX_LENGTH + 1)],
  ] as const)('names %s as the problem for %s', (field, value) => {
    expect(parseProfile({ [field]: value })).toEqual({ problem: field });
  });
});
