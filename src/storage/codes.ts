// CodeStore on D1: authorization codes (RFC 6749 §4.1.2), stored hashed (with the consent that allowed them, in one
// batch) and redeemed in one D1 batch that also stores the grant's first refresh token.
import { and, eq, gt, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import { upsertConsent } from './consents';
import { boundGrantRequest, boundKeyAllows, coversRequest, userIsActive } from './grant-conditions';
import { insertFirstRefreshToken } from './refresh-tokens';
import type { Database } from './db';
import { authorizationCodes, refreshTokens, users } from './schema';
import { joinScopeText, splitScopeText } from './scope-text';
import type { AuthorizationCode, CodeExchange, CodeStore } from './types';

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
    async consume(codeHash, exchange, nowSeconds) {
      const presented = eq(authorizationCodes.codeHash, codeHash);
      const unspent = and(presented, isNull(authorizationCodes.consumedAt));
      const found = db.select().from(authorizationCodes).where(presented);
      // A second select rather than a join: drizzle's D1 batch reads rows by column name, and both have created_at.
      const foundUser = db
        .select()
        .from(users)
        .where(
          eq(users.id, db.select({ userId: authorizationCodes.userId }).from(authorizationCodes).where(presented)),
        );
      // RFC 6749 §4.1.2: a code used twice has leaked; the tokens issued from it are revoked.
      const revokeOnReplay = db
        .update(refreshTokens)
        .set({ revokedAt: nowSeconds })
        .where(
          and(
            inArray(
              refreshTokens.grantId,
              db
                .select({ grantId: authorizationCodes.grantId })
                .from(authorizationCodes)
                .where(and(presented, isNotNull(authorizationCodes.consumedAt))),
            ),
            isNull(refreshTokens.revokedAt),
          ),
        );
      // The condition on consumed_at makes this the single point where a code is spent: one batch is one
      // transaction and D1 runs them one at a time, so of two concurrent redemptions exactly one finds it unspent.
      const spend = db.update(authorizationCodes).set({ consumedAt: nowSeconds }).where(unspent);
      const refresh = exchange.refreshToken;
      // Every statement sees the state the first one read; the refresh token goes in before the code is spent.
      const [[code], [user], stored] = refresh
        ? await db
            .batch([
              found,
              foundUser,
              revokeOnReplay,
              insertFirstRefreshToken(
                db,
                authorizationCodes,
                refresh,
                {},
                and(unspent, exchangeSucceeds(exchange, nowSeconds)),
                nowSeconds,
              ),
              spend,
            ])
            .then(([codes, users, , inserted]) => [codes, users, inserted.length === 1] as const)
        : await db
            .batch([found, foundUser, revokeOnReplay, spend])
            .then(([codes, users]) => [codes, users, false] as const);
      if (!code) return { status: 'unknown' };
      if (code.consumedAt !== null) return { status: 'replayed', code: toCode(code) };
      return {
        status: 'redeemed',
        code: toCode({ ...code, consumedAt: nowSeconds }),
        user: user ?? null,
        refreshTokenStored: stored,
      };
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

/** Every check of the token request (RFC 6749 §4.1.3, RFC 7636 §4.6) and of the grant behind the code. */
function exchangeSucceeds(exchange: CodeExchange, nowSeconds: number): SQL | undefined {
  const challenge = authorizationCodes.codeChallenge;
  const pkce =
    exchange.verifierChallenge !== null
      ? eq(challenge, exchange.verifierChallenge)
      : exchange.allowsNoChallenge
        ? isNull(challenge)
        : sql`0`;
  return and(
    eq(authorizationCodes.clientId, exchange.clientId),
    gt(authorizationCodes.expiresAt, nowSeconds),
    eq(authorizationCodes.redirectUri, exchange.redirectUri),
    pkce,
    coversRequest(authorizationCodes.scope, authorizationCodes.resources, boundGrantRequest(exchange)),
    boundKeyAllows(authorizationCodes.dpopJkt, boundGrantRequest(exchange)),
    userIsActive(authorizationCodes.userId),
  );
}

function toCode(row: CodeRow): AuthorizationCode {
  const { scope, codeChallengeMethod, ...rest } = row;
  return {
    ...rest,
    scopes: splitScopeText(scope),
    codeChallengeMethod: codeChallengeMethod === 'S256' ? 'S256' : null,
  };
}
