// SigningKeyStore on D1: managed signing keys (oauth/managed-keys.ts), one row per key.
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from './db';
import { signingKeys } from './schema';
import type { SigningKeyStore } from './types';

export function createSigningKeyStore(db: Database): SigningKeyStore {
  return {
    list: () => db.select().from(signingKeys).orderBy(signingKeys.rotation, signingKeys.alg).all(),
    async insertRotation(keys) {
      // The unique (rotation, alg) index settles a race between isolates: the loser's rows are ignored whole
      // (the batch is one transaction), and it reads the winner's.
      const [first, ...rest] = keys.map((key) => db.insert(signingKeys).values(key).onConflictDoNothing());
      if (!first) return false;
      const results = await db.batch([first, ...rest]);
      return results.every((result) => result.meta.changes === 1);
    },
    async revoke(kid, nowSeconds) {
      const result = await db
        .update(signingKeys)
        .set({ revokedAt: nowSeconds })
        .where(and(eq(signingKeys.kid, kid), isNull(signingKeys.revokedAt)));
      return result.meta.changes > 0;
    },
    async requestRotation(nowSeconds) {
      const result = await db
        .update(signingKeys)
        .set({ rotationRequestedAt: nowSeconds })
        .where(eq(signingKeys.rotation, sql`(select max(${signingKeys.rotation}) from ${signingKeys})`));
      return result.meta.changes > 0;
    },
    async deleteRotations(rotations) {
      if (rotations.length === 0) return 0;
      return (await db.delete(signingKeys).where(inArray(signingKeys.rotation, rotations))).meta.changes;
    },
  };
}
