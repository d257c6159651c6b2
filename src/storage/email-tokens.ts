// EmailTokenStore on D1: the single-use links mailed for address verification and password reset, by the SHA-256 of
// their token. Using one deletes it in the same statement that checks it, so two clicks cannot both succeed.
import { and, eq, gt } from 'drizzle-orm';
import type { Database } from './db';
import { emailTokens } from './schema';
import type { EmailTokenStore } from './types';

export function createEmailTokenStore(db: Database): EmailTokenStore {
  return {
    async create(token) {
      await db.insert(emailTokens).values(token);
    },
    async find(tokenHash, purpose, nowSeconds) {
      const row = await db
        .select()
        .from(emailTokens)
        .where(
          and(
            eq(emailTokens.tokenHash, tokenHash),
            eq(emailTokens.purpose, purpose),
            gt(emailTokens.expiresAt, nowSeconds),
          ),
        )
        .get();
      return row ?? null;
    },
    async consume(tokenHash, purpose, nowSeconds) {
      const row = await db
        .delete(emailTokens)
        .where(
          and(
            eq(emailTokens.tokenHash, tokenHash),
            eq(emailTokens.purpose, purpose),
            gt(emailTokens.expiresAt, nowSeconds),
          ),
        )
        .returning()
        .get();
      return row ?? null;
    },
    async deleteByUser(userId, purpose) {
      await db.delete(emailTokens).where(and(eq(emailTokens.userId, userId), eq(emailTokens.purpose, purpose)));
    },
  };
}
