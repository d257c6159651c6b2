// UserStore on D1: the users table through Drizzle. Usernames are stored lower-cased, so the unique index makes
// them unique case-insensitively and lookups match whatever case was typed.
import { asc, eq } from 'drizzle-orm';
import type { Database } from './db';
import { users } from './schema';
import type { UserStore } from './types';

export function createUserStore(db: Database): UserStore {
  return {
    async findById(id) {
      return (await db.select().from(users).where(eq(users.id, id)).get()) ?? null;
    },
    async findByUsername(username) {
      return (await db.select().from(users).where(eq(users.username, username.toLowerCase())).get()) ?? null;
    },
    async create(user) {
      // One statement: of two concurrent sign-ups for one name, exactly one inserts and the other sees `false`.
      const inserted = await db
        .insert(users)
        .values({ ...user, username: user.username.toLowerCase() })
        .onConflictDoNothing({ target: users.username })
        .returning({ id: users.id });
      return inserted.length === 1;
    },
    async updatePasswordHash(id, passwordHash, nowSeconds) {
      await db.update(users).set({ passwordHash, updatedAt: nowSeconds }).where(eq(users.id, id));
    },
    async setDisabled(id, disabled, nowSeconds) {
      await db.update(users).set({ disabled, updatedAt: nowSeconds }).where(eq(users.id, id));
    },
    async updateProfile(id, profile, nowSeconds) {
      await db
        .update(users)
        .set({ ...profile, profileUpdatedAt: nowSeconds, updatedAt: nowSeconds })
        .where(eq(users.id, id));
    },
    async list() {
      return db.select().from(users).orderBy(asc(users.username));
    },
  };
}
