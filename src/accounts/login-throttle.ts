// Login throttling: attempts are counted per account and per client IP in D1 (consistent across isolates), reserved
// before the password is checked, and a key with too many failures in a window is locked for a while (RFC 6749
// §10.10, NIST SP 800-63B §5.2.2).
import type { Stores } from '../storage/stores';
import type { LoginReservation, LoginSettlement, LoginThrottlePolicy, User } from '../storage/types';
import { checkPassword } from './authenticate-user';
import { normalizeUsername } from './username';

/** Guessing one account's password: 5 failures in 15 minutes lock it for 15 minutes. */
export const ACCOUNT_THROTTLE: LoginThrottlePolicy = { maxFailures: 5, windowSeconds: 15 * 60, lockSeconds: 15 * 60 };
/** One address trying many accounts: looser, because offices and carrier NATs share an address. */
export const IP_THROTTLE: LoginThrottlePolicy = { maxFailures: 20, windowSeconds: 15 * 60, lockSeconds: 15 * 60 };

interface LoginAttempt {
  /** The canonical username, or null when what was typed cannot be a username (then only the IP counts). */
  username: string | null;
  /** The client's address as limits count it (http/client-address.ts); undefined when the request has none. */
  clientIp: string | undefined;
}

/** Refused before checking: a key is locked, or this attempt is past its limit. */
type Throttled = { outcome: 'throttled'; retryAfterSeconds: number; lockedNow: boolean };

export type ThrottledSignIn =
  // The caller writes the settlement (LoginThrottleStore.settle, or with the session it starts); until then the
  // attempt stays counted, which only makes the throttle stricter.
  | { outcome: 'signed-in'; user: User; settlement: LoginSettlement }
  // The password was right, but the account has a second factor: not signed in until it is checked too.
  | { outcome: 'second-factor-required'; user: User }
  | { outcome: 'wrong-credentials' }
  // lockedNow: this attempt's failure reached the limit (an audit `login_lockout`), rather than arriving locked.
  | Throttled;

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
  const refusal = refusalOf(keys, reservations, nowSeconds);
  if (refusal !== null) return { outcome: 'throttled', retryAfterSeconds: refusal, lockedNow: false };

  const user = await checkPassword(stores, found, password);
  if (!user) return failed(stores, keys, reservations, nowSeconds);
  if (secondFactor) {
    await stores.loginThrottles.settle({ clear: [], release: keys.map(({ key }) => key) });
    return { outcome: 'second-factor-required', user };
  }
  return { outcome: 'signed-in', user, settlement: successSettlement(keys) };
}

/**
 * Any further check of who is signing in or changing the account (a second-factor code, the password confirming a
 * change), under the same keys and policy as passwords: a failure counts towards the same lock, a success clears the
 * account's counter. `check` returns null for a failure.
 */
export async function checkWithThrottle<T>(
  stores: Pick<Stores, 'loginThrottles'>,
  username: string,
  clientIp: string | undefined,
  nowSeconds: number,
  check: () => Promise<T | null>,
): Promise<ThrottledCheck<T>> {
  const keys = throttleKeys({ username: normalizeUsername(username), clientIp });
  const reservations = await stores.loginThrottles.reserve(keys, nowSeconds);
  const refusal = refusalOf(keys, reservations, nowSeconds);
  if (refusal !== null) return { outcome: 'throttled', retryAfterSeconds: refusal, lockedNow: false };
  const value = await check();
  if (value === null) return failed(stores, keys, reservations, nowSeconds);
  await stores.loginThrottles.settle(successSettlement(keys));
  return { outcome: 'passed', value };
}

/** A success forgets the account's failures and takes its own attempt back from the address's. */
function successSettlement(keys: Array<{ key: string }>): LoginSettlement {
  const accountKeys = keys.filter(({ key }) => key.startsWith('user:')).map(({ key }) => key);
  const addressKeys = keys.filter(({ key }) => !key.startsWith('user:')).map(({ key }) => key);
  return { clear: accountKeys, release: addressKeys };
}

// The failure stays counted; the one that reaches the limit locks the key, and is answered as locked.
async function failed(
  stores: Pick<Stores, 'loginThrottles'>,
  keys: Array<{ key: string; policy: LoginThrottlePolicy }>,
  reservations: LoginReservation[],
  nowSeconds: number,
): Promise<{ outcome: 'wrong-credentials' } | Throttled> {
  const locking = keys.filter(({ policy }, index) => reservations[index]!.attempts >= policy.maxFailures);
  if (locking.length === 0) return { outcome: 'wrong-credentials' };
  const lockSeconds = Math.max(...locking.map(({ policy }) => policy.lockSeconds));
  await Promise.all(locking.map(({ key, policy }) => stores.loginThrottles.lock(key, nowSeconds + policy.lockSeconds)));
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
