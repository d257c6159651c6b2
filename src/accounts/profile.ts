// The profile a user keeps on /account: the OIDC Core §5.1 standard claims released with the `profile` scope. Each
// field is optional; URLs must be absolute https (http for a website), locale a BCP 47 tag, zoneinfo an IANA zone.
import type { UserProfile } from '../storage/types';

export const PROFILE_TEXT_MAX_LENGTH = 200;
const PROFILE_URL_MAX_LENGTH = 2000;

export const PROFILE_FIELDS = [
  'name',
  'givenName',
  'familyName',
  'nickname',
  'picture',
  'website',
  'locale',
  'zoneinfo',
] as const satisfies ReadonlyArray<keyof UserProfile>;

export type ProfileField = (typeof PROFILE_FIELDS)[number];

export type ProfileResult = { profile: UserProfile } | { problem: ProfileField };

// BCP 47 in the shape OIDC Core §5.1 gives (`en-US`, `fr-CA`): a language and optional subtags.
const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** The submitted fields checked; an empty one is null (nothing shared). The first field at fault is the problem. */
export function parseProfile(input: Partial<Record<ProfileField, string | undefined>>): ProfileResult {
  const profile = Object.fromEntries(
    PROFILE_FIELDS.map((field) => [field, input[field]?.trim() || null]),
  ) as UserProfile;
  const problem = PROFILE_FIELDS.find((field) => {
    const value = profile[field];
    return value !== null && !fieldIsValid(field, value);
  });
  return problem === undefined ? { profile } : { problem };
}

function fieldIsValid(field: ProfileField, value: string): boolean {
  switch (field) {
    case 'picture':
      return isUrl(value, ['https:']);
    case 'website':
      return isUrl(value, ['https:', 'http:']);
    case 'locale':
      return LANGUAGE_TAG.test(value);
    case 'zoneinfo':
      return isTimeZone(value);
    default:
      return value.length <= PROFILE_TEXT_MAX_LENGTH;
  }
}

function isUrl(value: string, protocols: string[]): boolean {
  return value.length <= PROFILE_URL_MAX_LENGTH && URL.canParse(value) && protocols.includes(new URL(value).protocol);
}

/** An IANA time zone name the runtime knows (`Europe/Paris`); Intl throws a RangeError for any other. */
function isTimeZone(value: string): boolean {
  if (value.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
