// What a new password must satisfy, after NIST SP 800-63B §5.1.1.2: a length range and a short deny-list, no
// composition rules. Applied when a password is chosen, never at login, so a policy change locks no one out.

/** Counted in Unicode code points. */
export const PASSWORD_MIN_LENGTH = 8;
/** PBKDF2 pre-hashes long keys, so this only keeps bodies sane; 128 allows any passphrase a person types. */
export const PASSWORD_MAX_LENGTH = 128;

export type PasswordProblem = 'password_too_short' | 'password_too_long' | 'password_weak';

// The most common passwords that satisfy the length rule (from the public breach top lists). Deliberately short:
// this catches the obvious, and a breach-corpus check is a separate, larger decision.
const COMMON_PASSWORDS = new Set([
  '12345678',
  '123456789',
  '1234567890',
  '87654321',
  'password',
  'password1',
  'password123',
  'passw0rd',
  'qwertyui',
  'qwerty123',
  'qwertyuiop',
  'iloveyou',
  'letmein1',
  'abcdefgh',
  'abcd1234',
  'sunshine',
  'football',
  'baseball',
  'princess',
  'welcome1',
  'portcullis',
]);

export function passwordProblem(password: string, username: string): PasswordProblem | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return 'password_too_short';
  if (length > PASSWORD_MAX_LENGTH) return 'password_too_long';
  const folded = password.toLowerCase();
  if (COMMON_PASSWORDS.has(folded) || folded === username.toLowerCase() || new Set(password).size === 1) {
    return 'password_weak';
  }
  return null;
}
