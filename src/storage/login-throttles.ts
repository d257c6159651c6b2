// LoginThrottleStore on D1: sign-in attempt counters per key (`user:<name>`, `ip:<address>`). An attempt is reserved
// with one atomic upsert that returns the new count, so a concurrent burst in any isolate or location is counted
// before any password in it is checked.
import { and, eq, gt, inArray, max, sql } from 'drizzle-orm';
import type { Database } from './db';
import { loginThrottles } from './schema';
import type { LoginThrottleStore } from './types';

export function createLoginThrottleStore(db: Database): LoginThrottleStore {
  return {
    async reserve(keys, now) {
      const statements = keys.map(({ key, policy }) => {
        // The count restarts once its window has passed, unless a lock is still in force. SET expressions all read
        // the row as it was before the update.
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
      });
      const [first, ...rest] = statements;
      if (!first) return [];
      const results = await db.batch([first, ...rest]);
      return results.map(([row]) => {
        if (!row) throw new Error('the login throttle upsert returned no row');
        const lockedUntil = row.lockedUntil !== null && row.lockedUntil > now ? row.lockedUntil : null;
        return { attempts: row.attempts, lockedUntil };
      });
    },
    async lock(key, until) {
      await db
        .update(loginThrottles)
        .set({ lockedUntil: sql`max(coalesce(${loginThrottles.lockedUntil}, 0), ${until})` })
        .where(eq(loginThrottles.key, key));
    },
    async release(key) {
      await db
        .update(loginThrottles)
        .set({ failures: sql`max(${loginThrottles.failures} - 1, 0)` })
        .where(eq(loginThrottles.key, key));
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
