// Username rules: 3–32 characters from a-z, 0-9 and `.`, `_`, `-`, starting and ending with a letter or digit.
// Usernames are case-insensitive, so they are compared and stored lower-cased.

export const USERNAME_MIN_LENGTH = 3;
export const USERNAME_MAX_LENGTH = 32;
const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,30}[a-z0-9]$/;

/** The canonical form of a typed username, or null when it cannot be a valid username. */
export function normalizeUsername(typed: string): string | null {
  const username = typed.trim().toLowerCase();
  return USERNAME_PATTERN.test(username) ? username : null;
}

/**
 * Usernames to offer a user created by an upstream sign-in, best first: their upstream `preferred_username`, else
 * their email's local part, else the provider's id, each reduced to the username rules (lower-case a-z, 0-9 and
 * `.`, `_`, `-`). Never an email domain: `sam@example.com` is `sam`, not a name that looks like another's address.
 */
export function upstreamUsernameBase(
  preferredUsername: string | undefined,
  email: string | undefined,
  fallback: string,
) {
  for (const candidate of [preferredUsername, email?.split('@')[0]]) {
    const reduced = reduceToUsername(candidate ?? '');
    if (reduced !== null) return reduced;
  }
  return reduceToUsername(`${fallback}-user`) ?? 'user';
}

/** `base` with a random suffix, still within the rules: the next try when `base` is taken. */
export function usernameWithSuffix(base: string): string {
  const suffix = Array.from(crypto.getRandomValues(new Uint8Array(3)), (byte) => byte.toString(36).padStart(2, '0'));
  return `${base.slice(0, USERNAME_MAX_LENGTH - 7)}-${suffix.join('')}`.slice(0, USERNAME_MAX_LENGTH);
}

function reduceToUsername(typed: string): string | null {
  const reduced = typed
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/[._-]{2,}/g, '-')
    .slice(0, USERNAME_MAX_LENGTH)
    .replace(/^[._-]+|[._-]+$/g, '');
  return normalizeUsername(reduced);
}
