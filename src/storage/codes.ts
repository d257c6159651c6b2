// CodeStore on D1: authorization codes (RFC 6749 §4.1.2), stored hashed and redeemed by one atomic UPDATE.
import { and, eq, isNull } from 'drizzle-orm';
import { upsertConsent } from './consents';
import type { Database } from './db';
import { authorizationCodes } from './schema';
import { joinScopeText, splitScopeText } from './scope-text';
import type { AuthorizationCode, CodeStore } from './types';

type CodeRow = typeof authorizationCodes.$inferSelect;

export function createCodeStore(db: Database): CodeStore {
  return {
    async create(code, consent) {
      const { scopes, ...rest } = code;
      const insert = db.insert(authorizationCodes).values({ ...rest, scope: joinScopeText(scopes) });
      if (consent === undefined) await insert;
      // One transaction (db.batch): a consent recorded without its code, or the reverse, is half an authorization.
      else await db.batch([upsertConsent(db, consent, code.createdAt), insert]);
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
    async restore(codeHash, consumedAt) {
      await db
        .update(authorizationCodes)
        .set({ consumedAt: null })
        .where(and(eq(authorizationCodes.codeHash, codeHash), eq(authorizationCodes.consumedAt, consumedAt)));
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
