// Login throttling: failures are counted per account and per client IP in D1 (consistent across isolates), and a
// key with too many failures in a window is locked for a while (RFC 6749 §10.10, NIST SP 800-63B §5.2.2).
import type { LoginThrottlePolicy, LoginThrottleStore } from '../storage/types';

/** Guessing one account's password: 5 failures in 15 minutes lock it for 15 minutes. */
export const ACCOUNT_THROTTLE: LoginThrottlePolicy = { maxFailures: 5, windowSeconds: 15 * 60, lockSeconds: 15 * 60 };
/** One address trying many accounts: looser, because offices and carrier NATs share an address. */
export const IP_THROTTLE: LoginThrottlePolicy = { maxFailures: 20, windowSeconds: 15 * 60, lockSeconds: 15 * 60 };

export interface LoginAttempt {
  /** The canonical username, or null when what was typed cannot be a username (then only the IP counts). */
  username: string | null;
  /** The client address (CF-Connecting-IP); undefined when unknown, as in local development. */
  clientIp: string | undefined;
}

/** When the lock on this attempt's account or address ends, or null when neither is locked. */
export function loginLockedUntil(
  store: LoginThrottleStore,
  attempt: LoginAttempt,
  nowSeconds: number,
): Promise<number | null> {
  return store.lockedUntil(
    throttleKeys(attempt).map(({ key }) => key),
    nowSeconds,
  );
}

/** Counts the failure against the account and the address; returns when the lock ends if this failure locked either. */
export async function recordLoginFailure(
  store: LoginThrottleStore,
  attempt: LoginAttempt,
  nowSeconds: number,
): Promise<number | null> {
  const locks = await Promise.all(
    throttleKeys(attempt).map(({ key, policy }) => store.recordFailure(key, policy, nowSeconds)),
  );
  const until = locks.filter((lock) => lock !== null);
  return until.length === 0 ? null : Math.max(...until);
}

/**
 * Clears the account's counter. The address's counter is kept: otherwise one account the attacker owns would reset
 * the count between guesses at other accounts.
 */
export async function recordLoginSuccess(store: LoginThrottleStore, attempt: LoginAttempt): Promise<void> {
  if (attempt.username !== null) await store.clear(`user:${attempt.username}`);
}

function throttleKeys({ username, clientIp }: LoginAttempt): Array<{ key: string; policy: LoginThrottlePolicy }> {
  const keys: Array<{ key: string; policy: LoginThrottlePolicy }> = [];
  if (username !== null) keys.push({ key: `user:${username}`, policy: ACCOUNT_THROTTLE });
  if (clientIp) keys.push({ key: `ip:${addressBlock(clientIp)}`, policy: IP_THROTTLE });
  return keys;
}

/**
 * The unit one client controls: an IPv4 address, or the /64 of an IPv6 address (one customer usually gets a whole
 * /64, so counting single IPv6 addresses would be trivially bypassed). Cloudflare sends canonical addresses; any
 * other form is counted as it is.
 */
export function addressBlock(address: string): string {
  const trimmed = address.trim().toLowerCase().slice(0, 64);
  const halves = trimmed.split('::');
  if (!trimmed.includes(':') || trimmed.includes('.') || halves.length > 2) return trimmed;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves[1] ? halves[1].split(':') : [];
  const zeros = Array<string>(Math.max(8 - head.length - tail.length, 0)).fill('0');
  const prefix = [...head, ...zeros, ...tail].slice(0, 4).map((group) => group.replace(/^0+(?=.)/, ''));
  return `${prefix.join(':')}::/64`;
}
