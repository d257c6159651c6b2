// CodeStore on D1: authorization codes (RFC 6749 §4.1.2), stored hashed and redeemed by one atomic UPDATE.
import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from './db';
import { authorizationCodes } from './schema';
import { joinScopeText, splitScopeText } from './scope-text';
import type { AuthorizationCode, CodeStore } from './types';

type CodeRow = typeof authorizationCodes.$inferSelect;

export function createCodeStore(db: Database): CodeStore {
  return {
    async create(code) {
      const { scopes, ...rest } = code;
      await db.insert(authorizationCodes).values({ ...rest, scope: joinScopeText(scopes) });
    },
    async consume(codeHash, nowSeconds) {
      // The condition on consumed_at makes this the single point where a code is spent: of two concurrent
      // redemptions, SQLite lets exactly one UPDATE match.
      const consumed = await db
        .update(authorizationCodes)
        .set({ consumedAt: nowSeconds })
        .where(and(eq(authorizationCodes.codeHash, codeHash), isNull(authorizationCodes.consumedAt)))
        .returning()
        .get();
      if (consumed) return { status: 'redeemed', code: toCode(consumed) };
      const existing = await db
        .select()
        .from(authorizationCodes)
        .where(eq(authorizationCodes.codeHash, codeHash))
        .get();
      return existing ? { status: 'replayed', code: toCode(existing) } : { status: 'unknown' };
    },
    async deleteUnredeemed(userId, clientId) {
      // Redeemed codes stay: they are the evidence that recognises a replay (purge.ts keeps them a day).
      await db
        .delete(authorizationCodes)
        .where(
          and(
            eq(authorizationCodes.userId, userId),
            eq(authorizationCodes.clientId, clientId),
            isNull(authorizationCodes.consumedAt),
          ),
        );
    },
  };
}

function toCode(row: CodeRow): AuthorizationCode {
  const { scope, codeChallengeMethod, ...rest } = row;
  return {
    ...rest,
    scopes: splitScopeText(scope),
    codeChallengeMethod: codeChallengeMethod === 'S256' ? 'S256' : null,
  };
}
