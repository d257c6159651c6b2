// LoginThrottleStore on D1: failed-login counters per key (`user:<name>`, `ip:<address>`). A failure is counted
// with one atomic upsert, so concurrent attempts in any isolate or location are all counted.
import { and, eq, gt, inArray, max, sql } from 'drizzle-orm';
import type { Database } from './db';
import { loginThrottles } from './schema';
import type { LoginThrottleStore } from './types';

export function createLoginThrottleStore(db: Database): LoginThrottleStore {
  return {
    async recordFailure(key, { maxFailures, windowSeconds, lockSeconds }, now) {
      // SET expressions all read the row as it was before the update, so the count is recomputed for the lock.
      const expired = sql`${loginThrottles.windowStartedAt} <= ${now - windowSeconds}`;
      const failures = sql`CASE WHEN ${expired} THEN 1 ELSE ${loginThrottles.failures} + 1 END`;
      const row = await db
        .insert(loginThrottles)
        .values({ key, failures: 1, windowStartedAt: now, lockedUntil: maxFailures <= 1 ? now + lockSeconds : null })
        .onConflictDoUpdate({
          target: loginThrottles.key,
          set: {
            failures,
            windowStartedAt: sql`CASE WHEN ${expired} THEN ${now} ELSE ${loginThrottles.windowStartedAt} END`,
            lockedUntil: sql`CASE WHEN ${failures} >= ${maxFailures} THEN ${now + lockSeconds} ELSE ${loginThrottles.lockedUntil} END`,
          },
        })
        .returning({ lockedUntil: loginThrottles.lockedUntil })
        .get();
      return row.lockedUntil !== null && row.lockedUntil > now ? row.lockedUntil : null;
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
    async clear(key) {
      await db.delete(loginThrottles).where(eq(loginThrottles.key, key));
    },
  };
}
