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
