// Checks a username and password (the login page, and the password grant of RFC 6749 §4.3): the same work whether
// or not the account exists, disabled accounts refused, and an outdated hash upgraded once the password is known.
import type { Stores } from '../storage/stores';
import type { User } from '../storage/types';
import { hasPassword, hashPassword, verifyPassword } from './password-hash';
import { normalizeUsername } from './username';

// Verified when the account does not exist, so an unknown username costs one PBKDF2 run like a wrong password and
// timing does not reveal which accounts exist. Its password was random and discarded.
const DUMMY_PASSWORD_HASH = 'pbkdf2-sha256$100000$8Q4o5HL_fUsVtyjFTh-Pqw$9yr14RUrOCm9Gr6pjwpm29x27KrTv7_XY5RJS8r8DK4';

/**
 * The user with this username and password, or null for any failure (unknown, no password on the account, wrong
 * password, disabled).
 */
export async function authenticateUser(
  stores: Pick<Stores, 'users'>,
  username: string,
  password: string,
): Promise<User | null> {
  const canonical = normalizeUsername(username);
  return checkPassword(stores, canonical === null ? null : await stores.users.findByUsername(canonical), password);
}

/** The user found for a username, if the password is theirs and they may sign in; null for any failure. */
export async function checkPassword(
  stores: Pick<Stores, 'users'>,
  found: User | null,
  password: string,
): Promise<User | null> {
  // An account without a password is checked against the dummy hash too: the same work, and never a match.
  const user = found && hasPassword(found) ? found : null;
  const { valid, needsRehash } = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
  // A disabled account is refused only after the hash was checked, so it answers in the same time as the others.
  if (!user || !valid || user.disabled) return null;
  if (!needsRehash) return user;
  const passwordHash = await hashPassword(password);
  const nowSeconds = Math.floor(Date.now() / 1000);
  await stores.users.updatePasswordHash(user.id, passwordHash, nowSeconds);
  return { ...user, passwordHash, updatedAt: nowSeconds };
}
