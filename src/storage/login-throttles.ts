// LoginThrottleStore on D1: sign-in attempt counters per key (`user:<name>`, `ip:<address>`). An attempt is reserved
// with one atomic upsert that returns the new count, so a concurrent burst in any isolate or location is counted
// before any password in it is checked.
import { and, eq, gt, inArray, max, sql } from 'drizzle-orm';
import type { Database } from './db';
import { loginThrottles, totpCredentials, users } from './schema';
import type { LoginReservation, LoginSettlement, LoginThrottlePolicy, LoginThrottleStore } from './types';

export function createLoginThrottleStore(db: Database): LoginThrottleStore {
  return {
    async reserve(keys, now) {
      const [first, ...rest] = keys.map((key) => reservation(db, key, now));
      if (!first) return [];
      return (await db.batch([first, ...rest])).map((rows) => reservationOf(rows, now));
    },
    async reserveAndFindUser(keys, username, now) {
      const upserts = keys.map((key) => reservation(db, key, now));
      // An impossible username matches no row: the batch keeps its shape, and the caller's work stays the same.
      // With whether it has a second factor, so a two-factor account costs no further round trip.
      const lookup = db
        .select({ user: users, totpConfirmedAt: totpCredentials.confirmedAt })
        .from(users)
        .leftJoin(totpCredentials, eq(totpCredentials.userId, users.id))
        .where(eq(users.username, username?.toLowerCase() ?? ''));
      const [[found], ...reserved] = await db.batch([lookup, ...upserts]);
      const user = username === null ? null : (found?.user ?? null);
      return {
        reservations: reserved.map((rows) => reservationOf(rows, now)),
        user,
        secondFactor: user !== null && (found?.totpConfirmedAt ?? null) !== null,
      };
    },
    async lock(key, until) {
      await db
        .update(loginThrottles)
        .set({ lockedUntil: sql`max(coalesce(${loginThrottles.lockedUntil}, 0), ${until})` })
        .where(eq(loginThrottles.key, key));
    },
    async settle(settlement) {
      const [first, ...rest] = settlementStatements(db, settlement);
      if (first) await db.batch([first, ...rest]);
    },
    async lockedUntil(keys, now) {
      if (keys.length === 0) return null;
      const row = await db
        .select({ until: max(loginThrottles.lockedUntil) })
        .from(loginThrottles)
        .where(and(inArray(loginThrottles.key, keys), gt(loginThrottles.lockedUntil, now)))
        .get();
      return row?.until ?? null;
    },
  };
}

/** One attempt counted against a key: one atomic upsert that returns the key's count and lock. */
function reservation(db: Database, { key, policy }: { key: string; policy: LoginThrottlePolicy }, now: number) {
  // The count restarts once its window has passed, unless a lock is still in force. SET expressions all read the
  // row as it was before the update.
  const lockInForce = sql`coalesce(${loginThrottles.lockedUntil}, 0) > ${now}`;
  const restart = sql`${loginThrottles.windowStartedAt} <= ${now - policy.windowSeconds} AND NOT ${lockInForce}`;
  return db
    .insert(loginThrottles)
    .values({ key, failures: 1, windowStartedAt: now, lockedUntil: null })
    .onConflictDoUpdate({
      target: loginThrottles.key,
      set: {
        failures: sql`CASE WHEN ${restart} THEN 1 ELSE ${loginThrottles.failures} + 1 END`,
        windowStartedAt: sql`CASE WHEN ${restart} THEN ${now} ELSE ${loginThrottles.windowStartedAt} END`,
      },
    })
    .returning({ attempts: loginThrottles.failures, lockedUntil: loginThrottles.lockedUntil });
}

function reservationOf(rows: Array<{ attempts: number; lockedUntil: number | null }>, now: number): LoginReservation {
  const [row] = rows;
  if (!row) throw new Error('the login throttle upsert returned no row');
  return {
    attempts: row.attempts,
    lockedUntil: row.lockedUntil !== null && row.lockedUntil > now ? row.lockedUntil : null,
  };
}

/** The statements of a sign-in's settlement, for a batch of their own or the session's (sessions.ts). */
export function settlementStatements(db: Database, { clear, release }: LoginSettlement) {
  return [
    ...clear.map((key) => db.delete(loginThrottles).where(eq(loginThrottles.key, key))),
    ...release.map((key) =>
      db
        .update(loginThrottles)
        .set({ failures: sql`max(${loginThrottles.failures} - 1, 0)` })
        .where(eq(loginThrottles.key, key)),
    ),
  ];
}
