// Test fixtures for people: users inserted through the UserStore with a real PBKDF2 hash of a known password.
import { env } from 'cloudflare:test';
import { hashPassword } from '../../src/accounts/password-hash';
import { storesFor } from '../../src/storage/stores';
import { NO_PROFILE, type User } from '../../src/storage/types';

export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestUser {
  user: User;
  /** The password in clear, for logging in. */
  password: string;
}

// One PBKDF2 run (100,000 iterations) per test file for the default password instead of one per user.
let defaultPasswordHash: Promise<string> | undefined;

/**
 * Creates a user with a random lower-case username and the password TEST_PASSWORD (or `password`). Pass
 * `passwordHash` to store a precomputed hash (an old format, say) as is; `password` is then returned unchecked.
 */
export async function createTestUser(overrides: Partial<User> & { password?: string } = {}): Promise<TestUser> {
  const { password = TEST_PASSWORD, ...fields } = overrides;
  defaultPasswordHash ??= hashPassword(TEST_PASSWORD);
  const passwordHash =
    fields.passwordHash ?? (password === TEST_PASSWORD ? await defaultPasswordHash : await hashPassword(password));
  const now = Math.floor(Date.now() / 1000);
  const user: User = {
    id: crypto.randomUUID(),
    username: `user_${crypto.randomUUID().slice(0, 8)}`,
    email: null,
    emailVerified: false,
    isAdmin: false,
    disabled: false,
    ...NO_PROFILE,
    createdAt: now,
    updatedAt: now,
    ...fields,
    passwordHash,
  };
  if (!(await storesFor(env.DB).users.create(user))) throw new Error(`username ${user.username} is taken`);
  return { user: { ...user, username: user.username.toLowerCase() }, password };
}
