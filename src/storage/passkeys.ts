// PasskeyStore on D1: users' WebAuthn credentials. Renames and deletions name the user as well as the credential, so a
// request can only ever change the signed-in user's own passkeys.
import { and, asc, eq, gt, ne } from 'drizzle-orm';
import type { Database } from './db';
import { passkeys } from './schema';
import type { PasskeyStore } from './types';

export function createPasskeyStore(db: Database): PasskeyStore {
  return {
    async create(passkey) {
      const inserted = await db.insert(passkeys).values(passkey).onConflictDoNothing().returning({ id: passkeys.id });
      return inserted.length === 1;
    },
    async findById(id) {
      return (await db.select().from(passkeys).where(eq(passkeys.id, id)).get()) ?? null;
    },
    listByUser(userId) {
      return db.select().from(passkeys).where(eq(passkeys.userId, userId)).orderBy(asc(passkeys.createdAt)).all();
    },
    async recordUse(id, { counter, backedUp, nowSeconds }) {
      await db.update(passkeys).set({ counter, backedUp, lastUsedAt: nowSeconds }).where(eq(passkeys.id, id));
    },
    async rename(userId, id, name) {
      const renamed = await db
        .update(passkeys)
        .set({ name })
        .where(and(eq(passkeys.userId, userId), eq(passkeys.id, id)))
        .returning({ id: passkeys.id });
      return renamed.length === 1;
    },
    async delete(userId, id) {
      const deleted = await db
        .delete(passkeys)
        .where(and(eq(passkeys.userId, userId), eq(passkeys.id, id)))
        .returning({ id: passkeys.id });
      return deleted.length === 1;
    },
    async deleteUnlessLast(userId, id) {
      // One statement, so two concurrent removals cannot both see "another one is left" and remove the last two.
      const others = db.$count(passkeys, and(eq(passkeys.userId, userId), ne(passkeys.id, id)));
      const deleted = await db
        .delete(passkeys)
        .where(and(eq(passkeys.userId, userId), eq(passkeys.id, id), gt(others, 0)))
        .returning({ id: passkeys.id });
      return deleted.length === 1;
    },
  };
}
