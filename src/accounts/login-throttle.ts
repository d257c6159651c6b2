// Login throttling: attempts are counted per account and per client IP in D1 (consistent across isolates), reserved
// before the password is checked, and a key with too many failures in a window is locked for a while (RFC 6749
// §10.10, NIST SP 800-63B §5.2.2).
import type { Stores } from '../storage/stores';
import type {
  LoginReservation,
  LoginSettlement,
  LoginThrottlePolicy,
  LoginThrottleStore,
  User,
} from '../storage/types';
import { checkPassword } from './authenticate-user';
import { normalizeUsername } from './username';

/** Guessing one account's password: 5 failures in 15 minutes lock it for 15 minutes. */
export const ACCOUNT_THROTTLE: LoginThrottlePolicy = { maxFailures: 5, windowSeconds: 15 * 60, lockSeconds: 15 * 60 };
/** One address trying many accounts: looser, because offices and carrier NATs share an address. */
export const IP_THROTTLE: LoginThrottlePolicy = { maxFailures: 20, windowSeconds: 15 * 60, lockSeconds: 15 * 60 };

export interface LoginAttempt {
  /** The canonical username, or null when what was typed cannot be a username (then only the IP counts). */
  username: string | null;
  /** The client's address as limits count it (http/client-address.ts); undefined when the request has none. */
  clientIp: string | undefined;
}

/** The outcome of one credential check under the throttle (a password, a passkey assertion). */
export type CheckedSignIn =
  // The caller writes the settlement (LoginThrottleStore.settle, or with the session it starts); until then the
  // attempt stays counted, which only makes the throttle stricter.
  | { outcome: 'signed-in'; user: User; settlement: LoginSettlement }
  | { outcome: 'wrong-credentials' }
  // lockedNow: this attempt's failure reached the limit (an audit `login_lockout`), rather than arriving locked.
  | Throttled;

export type ThrottledSignIn =
  | CheckedSignIn
  // The password was right, but the account has a second factor: not signed in until it is checked too.
  | { outcome: 'second-factor-required'; user: User };

type Throttled = { outcome: 'throttled'; retryAfterSeconds: number; lockedNow: boolean };

export type ThrottledCheck<T> = { outcome: 'passed'; value: T } | { outcome: 'wrong-credentials' } | Throttled;

/**
 * Checks a username and password under the throttle (the login page and the password grant). The attempt is
 * reserved first, in one atomic statement per key, and the password is checked only when the reservation is within
 * the limit: so a concurrent burst gets at most `maxFailures` checks, not as many as arrive before a failure is
 * written. A success returns the settlement that clears the account's counter and takes its attempt back from the
 * address's, for the caller to write with what it writes next. For an account with a second factor the password only
 * takes its own attempts back (written here), so failed codes keep counting until the sign-in is complete.
 */
export async function signInWithThrottle(
  stores: Pick<Stores, 'users' | 'loginThrottles'>,
  typedUsername: string,
  password: string,
  clientIp: string | undefined,
  nowSeconds: number,
): Promise<ThrottledSignIn> {
  const username = normalizeUsername(typedUsername);
  const keys = throttleKeys({ username, clientIp });
  // One round trip: the reservation, and the account looked up beside it (used only once the reservation allows).
  const {
    reservations,
    user: found,
    secondFactor,
  } = await stores.loginThrottles.reserveAndFindUser(keys, username, nowSeconds);
  const signIn = await checkReserved(stores.loginThrottles, keys, reservations, nowSeconds, () =>
    checkPassword(stores, found, password),
  );
  if (signIn.outcome !== 'signed-in' || !secondFactor) return signIn;
  const { clear, release } = signIn.settlement;
  await stores.loginThrottles.settle({ clear: [], release: [...clear, ...release] });
  return { outcome: 'second-factor-required', user: signIn.user };
}

/**
 * Any further check of who is signing in or changing the account (a second-factor code, the password confirming a
 * change), under the same keys and policy as passwords: a failure counts towards the same lock, a success clears the
 * account's counter. `check` returns null for a failure.
 */
export async function checkWithThrottle<T>(
  throttles: LoginThrottleStore,
  user: User,
  clientIp: string | undefined,
  nowSeconds: number,
  check: () => Promise<T | null>,
): Promise<ThrottledCheck<T>> {
  let value: T | null = null;
  const attempt = { username: normalizeUsername(user.username), clientIp };
  const checked = await throttleSignIn(throttles, attempt, nowSeconds, async () => {
    value = await check();
    return value === null ? null : user;
  });
  if (checked.outcome !== 'signed-in') return checked;
  await throttles.settle(checked.settlement);
  return { outcome: 'passed', value: value as T };
}

/**
 * Runs another credential check under the throttle of the attempt's keys (a passkey assertion), as a password is
 * checked: reserved first, refused while a key is locked or past its limit, `check` returning null a failure that
 * stays counted.
 */
export async function throttleSignIn(
  throttles: LoginThrottleStore,
  attempt: LoginAttempt,
  nowSeconds: number,
  check: () => Promise<User | null>,
): Promise<CheckedSignIn> {
  const keys = throttleKeys(attempt);
  return checkReserved(throttles, keys, await throttles.reserve(keys, nowSeconds), nowSeconds, check);
}

/** What follows a reservation: the refusal of a locked key, or the check and its settlement, lock or failure. */
async function checkReserved(
  throttles: LoginThrottleStore,
  keys: Array<{ key: string; policy: LoginThrottlePolicy }>,
  reservations: LoginReservation[],
  nowSeconds: number,
  check: () => Promise<User | null>,
): Promise<CheckedSignIn> {
  const refusal = refusalOf(keys, reservations, nowSeconds);
  if (refusal !== null) return { outcome: 'throttled', retryAfterSeconds: refusal, lockedNow: false };

  const user = await check();
  if (user) {
    const accountKeys = keys.filter(({ key }) => key.startsWith('user:')).map(({ key }) => key);
    const addressKeys = keys.filter(({ key }) => !key.startsWith('user:')).map(({ key }) => key);
    return { outcome: 'signed-in', user, settlement: { clear: accountKeys, release: addressKeys } };
  }
  // The failure stays counted; the one that reaches the limit locks the key, and is answered as locked.
  const locking = keys.filter(({ policy }, index) => reservations[index]!.attempts >= policy.maxFailures);
  if (locking.length === 0) return { outcome: 'wrong-credentials' };
  const lockSeconds = Math.max(...locking.map(({ policy }) => policy.lockSeconds));
  await Promise.all(locking.map(({ key, policy }) => throttles.lock(key, nowSeconds + policy.lockSeconds)));
  return { outcome: 'throttled', retryAfterSeconds: lockSeconds, lockedNow: true };
}

// Seconds to wait when a key is locked or its reservation is past the limit, else null (the attempt may go on).
function refusalOf(
  keys: Array<{ policy: LoginThrottlePolicy }>,
  reservations: LoginReservation[],
  nowSeconds: number,
): number | null {
  const waits = reservations.flatMap(({ attempts, lockedUntil }, index) => {
    if (lockedUntil !== null) return [lockedUntil - nowSeconds];
    // Past the limit while the lock is not written yet (an attempt of the same burst is still being checked).
    return attempts > keys[index]!.policy.maxFailures ? [keys[index]!.policy.lockSeconds] : [];
  });
  return waits.length === 0 ? null : Math.max(...waits);
}

function throttleKeys({ username, clientIp }: LoginAttempt): Array<{ key: string; policy: LoginThrottlePolicy }> {
  const keys: Array<{ key: string; policy: LoginThrottlePolicy }> = [];
  if (username !== null) keys.push({ key: `user:${username}`, policy: ACCOUNT_THROTTLE });
  if (clientIp) keys.push({ key: `ip:${clientIp}`, policy: IP_THROTTLE });
  return keys;
}
