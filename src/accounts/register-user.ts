// Sign-up: checks a chosen username, password and optional email, hashes the password, and creates the user.
// Problems come back as codes, which the page and the JSON answer both word from the copy table.
import { NO_PROFILE, type User, type UserStore } from '../storage/types';
import { parseEmailAddress } from './email-address';
import { hashPassword, NO_PASSWORD_HASH } from './password-hash';
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
  const identity = await checkIdentity(users, input, (username) => passwordProblem(input.password, username));
  if ('problem' in identity) return identity;
  return insertUser(users, {
    id: crypto.randomUUID(),
    ...identity,
    passwordHash: await hashPassword(input.password),
    isAdmin: options.isAdmin ?? false,
    nowSeconds,
  });
}

/**
 * The checks of a sign-up without a password (a passkey-only account, accounts/passkey-registration.ts): a valid,
 * free username and a valid email, if any. Run before the passkey ceremony and again when the account is created.
 */
export function checkPasswordlessSignup(
  users: UserStore,
  input: Omit<SignupInput, 'password'>,
): Promise<{ username: string; email: string | null } | { problem: SignupProblem }> {
  return checkIdentity(users, input, () => null);
}

/** Creates an account with no password (NO_PASSWORD_HASH), under the id its passkey was registered for. */
export async function registerUserWithoutPassword(
  users: UserStore,
  input: Omit<SignupInput, 'password'> & { id: string },
  nowSeconds: number,
): Promise<{ user: User } | { problem: SignupProblem }> {
  const identity = await checkPasswordlessSignup(users, input);
  if ('problem' in identity) return identity;
  return insertUser(users, { id: input.id, ...identity, passwordHash: NO_PASSWORD_HASH, isAdmin: false, nowSeconds });
}

async function checkIdentity(
  users: UserStore,
  input: Omit<SignupInput, 'password'>,
  passwordCheck: (username: string) => SignupProblem | null,
): Promise<{ username: string; email: string | null } | { problem: SignupProblem }> {
  const username = normalizeUsername(input.username);
  if (username === null) return { problem: 'username_invalid' };
  // Unverified until the link mailed to it is opened (accounts/email-links.ts).
  const email = parseEmailAddress(input.email);
  if (email === 'invalid') return { problem: 'email_invalid' };
  const problem = passwordCheck(username);
  if (problem !== null) return { problem };
  // Checked first so a taken name costs no PBKDF2; create() still decides atomically if two sign-ups race.
  if (await users.findByUsername(username)) return { problem: 'username_taken' };
  return { username, email };
}

async function insertUser(
  users: UserStore,
  fields: {
    id: string;
    username: string;
    email: string | null;
    passwordHash: string;
    isAdmin: boolean;
    nowSeconds: number;
  },
): Promise<{ user: User } | { problem: SignupProblem }> {
  const { nowSeconds, ...identity } = fields;
  const user: User = {
    ...identity,
    emailVerified: false,
    disabled: false,
    ...NO_PROFILE,
    createdAt: nowSeconds,
    updatedAt: nowSeconds,
  };
  return (await users.create(user)) ? { user } : { problem: 'username_taken' };
}
