// RefreshTokenStore on D1: refresh tokens (RFC 6749 §6) stored hashed, rotated atomically, revoked by family
// (RFC 9700 §4.14.2).
import { and, eq, gt, isNull, sql, type SQL } from 'drizzle-orm';
import type { Database } from './db';
import { refreshTokens } from './schema';
import { joinScopeText, splitScopeText } from './scope-text';
import type { RefreshToken, RefreshTokenStore } from './types';

type RefreshTokenRow = typeof refreshTokens.$inferSelect;

export function createRefreshTokenStore(db: Database): RefreshTokenStore {
  const revokeWhere = async (condition: SQL | undefined, nowSeconds: number) => {
    await db.update(refreshTokens).set({ revokedAt: nowSeconds }).where(and(condition, isNull(refreshTokens.revokedAt)));
  };
  return {
    async create(token) {
      await db.insert(refreshTokens).values(toRow(token));
    },
    async findByHash(tokenHash) {
      const row = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).get();
      return row ? toRefreshToken(row) : null;
    },
    async rotate(tokenHash, successor, nowSeconds) {
      const row = toRow(successor);
      // One transaction (db.batch): the conditional UPDATE matches only a usable token, and the INSERT runs only
      // if it did (changes() counts the rows of the statement before it), so concurrent uses yield one successor.
      const [rotated] = await db.batch([
        db
          .update(refreshTokens)
          .set({ rotatedAt: nowSeconds })
          .where(
            and(
              eq(refreshTokens.tokenHash, tokenHash),
              isNull(refreshTokens.rotatedAt),
              isNull(refreshTokens.revokedAt),
              gt(refreshTokens.expiresAt, nowSeconds),
              gt(refreshTokens.grantExpiresAt, nowSeconds),
            ),
          )
          .returning({ tokenHash: refreshTokens.tokenHash }),
        db.run(sql`
          INSERT INTO ${refreshTokens} (token_hash, grant_id, client_id, user_id, scope, resources, auth_time,
            created_at, expires_at, grant_expires_at, rotated_at, revoked_at)
          SELECT ${row.tokenHash}, ${row.grantId}, ${row.clientId}, ${row.userId}, ${row.scope},
            ${JSON.stringify(row.resources)}, ${row.authTime}, ${row.createdAt}, ${row.expiresAt},
            ${row.grantExpiresAt}, NULL, NULL
          WHERE changes() = 1`),
      ]);
      return rotated.length === 1;
    },
    async revokeGrant(grantId, nowSeconds) {
      await revokeWhere(eq(refreshTokens.grantId, grantId), nowSeconds);
    },
    async revokeByClient(clientId, nowSeconds) {
      await revokeWhere(eq(refreshTokens.clientId, clientId), nowSeconds);
    },
    async revokeByUser(userId, nowSeconds) {
      await revokeWhere(eq(refreshTokens.userId, userId), nowSeconds);
    },
  };
}

function toRefreshToken(row: RefreshTokenRow): RefreshToken {
  const { scope, ...rest } = row;
  return { ...rest, scopes: splitScopeText(scope) };
}

function toRow(token: RefreshToken): RefreshTokenRow {
  const { scopes, ...rest } = token;
  return { ...rest, scope: joinScopeText(scopes) };
}
