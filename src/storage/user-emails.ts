// UserEmailStore on D1: a user's email address on the users table. Addresses are kept as typed and compared
// case-insensitively (SQLite's NOCASE), which is how every mail system in use treats them.
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from './db';
import { users } from './schema';
import type { UserEmailStore } from './types';

export function createUserEmailStore(db: Database): UserEmailStore {
  return {
    async findByVerifiedEmail(email, limit) {
      return db
        .select()
        .from(users)
        .where(
          and(sql`${users.email} = ${email} COLLATE NOCASE`, eq(users.emailVerified, true), eq(users.disabled, false)),
        )
        .limit(limit);
    },
    async updateEmail(id, email, nowSeconds) {
      await db.update(users).set({ email, emailVerified: false, updatedAt: nowSeconds }).where(eq(users.id, id));
    },
    async markEmailVerified(id, email, nowSeconds) {
      const updated = await db
        .update(users)
        .set({ emailVerified: true, updatedAt: nowSeconds })
        .where(and(eq(users.id, id), sql`${users.email} = ${email} COLLATE NOCASE`))
        .returning({ id: users.id });
      return updated.length === 1;
    },
  };
}
