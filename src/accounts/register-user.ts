// Sign-up: checks a chosen username, password and optional email, hashes the password, and creates the user.
// Problems come back as codes, which the page and the JSON answer both word from the copy table.
import { NO_PROFILE, type User, type UserStore } from '../storage/types';
import { parseEmailAddress } from './email-address';
import { hashPassword } from './password-hash';
import { passwordProblem, type PasswordProblem } from './password-policy';
import { normalizeUsername } from './username';

export type SignupProblem = 'username_invalid' | 'username_taken' | 'email_invalid' | PasswordProblem;

export interface SignupInput {
  username: string;
  password: string;
  email?: string | undefined;
}

/** Apart from the input, so that no spread of a request body can set it: sign-up never creates administrators. */
export interface RegisterUserOptions {
  /** Set by the admin command line's `users create --admin`. */
  isAdmin?: boolean;
}

export async function registerUser(
  users: UserStore,
  input: SignupInput,
  nowSeconds: number,
  options: RegisterUserOptions = {},
): Promise<{ user: User } | { problem: SignupProblem }> {
  const username = normalizeUsername(input.username);
  if (username === null) return { problem: 'username_invalid' };
  // Unverified until the link mailed to it is opened (accounts/email-links.ts).
  const email = parseEmailAddress(input.email);
  if (email === 'invalid') return { problem: 'email_invalid' };
  const problem = passwordProblem(input.password, username);
  if (problem !== null) return { problem };
  // Checked first so a taken name costs no PBKDF2; create() still decides atomically if two sign-ups race.
  if (await users.findByUsername(username)) return { problem: 'username_taken' };

  const user: User = {
    id: crypto.randomUUID(),
    username,
    email,
    emailVerified: false,
    passwordHash: await hashPassword(input.password),
    isAdmin: options.isAdmin ?? false,
    disabled: false,
    ...NO_PROFILE,
    createdAt: nowSeconds,
    updatedAt: nowSeconds,
  };
  return (await users.create(user)) ? { user } : { problem: 'username_taken' };
}
