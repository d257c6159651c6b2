// CodeStore on D1: authorization codes (RFC 6749 §4.1.2), stored hashed (with the consent that allowed them, in one
// batch) and redeemed in one D1 batch that also stores the grant's first refresh token.
import { and, eq, gt, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import { upsertConsent } from './consents';
import { runSpendingBatch } from './compiled-batch';
import {
  type BoundGrantRequest,
  boundGrantRequest,
  boundKeyAllows,
  coversRequest,
  grantRequestPlaceholders,
  grantRequestShape,
  grantRequestValues,
  userIsActive,
  selectGrantUser,
} from './grant-conditions';
import { firstRefreshTokenValues, insertFirstRefreshToken } from './refresh-tokens';
import type { Database } from './db';
import { authorizationCodes, refreshTokens } from './schema';
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
    async consume(codeHash, exchange, nowSeconds) {
      const request = boundGrantRequest(exchange);
      const pkce: PkceRule =
        exchange.verifierChallenge !== null ? 'verifier' : exchange.allowsNoChallenge ? 'no-challenge' : 'refused';
      const refresh = exchange.refreshToken;
      // Everything the batch's SQL depends on; every value is bound.
      const shape = `consume:${grantRequestShape(request)}:${pkce}`;
      const build = () => redemptionStatements(db, grantRequestPlaceholders(request), pkce);
      const values = {
        ...grantRequestValues(exchange),
        ...(refresh ? firstRefreshTokenValues(refresh) : {}),
        codeHash,
        now: nowSeconds,
        clientId: exchange.clientId,
        redirectUri: exchange.redirectUri,
        verifierChallenge: exchange.verifierChallenge,
      };
      // Every statement sees the state the first one read; the refresh token goes in before the code is spent.
      const { found, user, refreshTokenStored } = await runSpendingBatch(db, shape, build, values, refresh !== null);
      const [code] = found;
      if (!code) return { status: 'unknown' };
      if (code.consumedAt !== null) return { status: 'replayed', code: toCode(code) };
      return {
        status: 'redeemed',
        code: toCode({ ...code, consumedAt: nowSeconds }),
        user: user[0] ?? null,
        refreshTokenStored,
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

/** How the PKCE verifier is judged: its S256 against the challenge, no challenge allowed, or refused outright. */
type PkceRule = 'verifier' | 'no-challenge' | 'refused';

/**
 * The statements of a code redemption, built once per shape (compiled-batch.ts) with every value a placeholder.
 * One batch is one transaction and D1 runs them one at a time, so of two concurrent redemptions exactly one finds
 * the code unspent.
 */
function redemptionStatements(db: Database, request: BoundGrantRequest, pkce: PkceRule) {
  const bound = sql.placeholder;
  const codes = authorizationCodes;
  const presented = eq(codes.codeHash, bound('codeHash'));
  const unspent = and(presented, isNull(codes.consumedAt));
  return {
    found: db.select().from(codes).where(presented).prepare(),
    user: selectGrantUser(db, codes, codes.userId, presented).prepare(),
    // RFC 6749 §4.1.2: a code used twice has leaked; the tokens issued from it are revoked.
    before: db
      .update(refreshTokens)
      .set({ revokedAt: sql`${bound('now')}` })
      .where(
        and(
          inArray(
            refreshTokens.grantId,
            db
              .select({ grantId: codes.grantId })
              .from(codes)
              .where(and(presented, isNotNull(codes.consumedAt))),
          ),
          isNull(refreshTokens.revokedAt),
        ),
      )
      .prepare(),
    insertRefreshToken: insertFirstRefreshToken(db, codes, {}, and(unspent, exchangeSucceeds(request, pkce))).prepare(),
    // The condition on consumed_at makes this the single point where a code is spent.
    spend: db
      .update(codes)
      .set({ consumedAt: sql`${bound('now')}` })
      .where(unspent)
      .prepare(),
  };
}

/** Every check of the token request (RFC 6749 §4.1.3, RFC 7636 §4.6) and of the grant behind the code. */
function exchangeSucceeds(request: BoundGrantRequest, pkce: PkceRule): SQL | undefined {
  const bound = sql.placeholder;
  const codes = authorizationCodes;
  const challenge =
    pkce === 'verifier'
      ? eq(codes.codeChallenge, bound('verifierChallenge'))
      : pkce === 'no-challenge'
        ? isNull(codes.codeChallenge)
        : sql`0`;
  return and(
    eq(codes.clientId, bound('clientId')),
    gt(codes.expiresAt, bound('now')),
    eq(codes.redirectUri, bound('redirectUri')),
    challenge,
    coversRequest(codes.scope, codes.resources, request),
    boundKeyAllows(codes.dpopJkt, request),
    userIsActive(codes.userId),
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
