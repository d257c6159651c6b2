// RevokedGrantStore on D1: a grant is revoked when recorded in revoked_grants (a replayed code) or when its refresh
// token family was revoked (RFC 7009 revocation, a reused refresh token, a withdrawn authorization).
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type { Database } from './db';
import { refreshTokens, revokedGrants } from './schema';
import type { RevokedGrantStore } from './types';

export function createRevokedGrantStore(db: Database): RevokedGrantStore {
  return {
    async revoke(grantId, nowSeconds, expiresAt) {
      await db
        .insert(revokedGrants)
        .values({ grantId, revokedAt: nowSeconds, expiresAt })
        .onConflictDoUpdate({ target: revokedGrants.grantId, set: { expiresAt } });
    },
    async isRevoked(grantId) {
      // One round trip: both lookups are by indexed grant_id.
      const familyRevoked = and(eq(refreshTokens.grantId, grantId), isNotNull(refreshTokens.revokedAt));
      const rows = await db.all<{ revoked: number }>(
        sql`SELECT (EXISTS (SELECT 1 FROM ${revokedGrants} WHERE ${eq(revokedGrants.grantId, grantId)})
          OR EXISTS (SELECT 1 FROM ${refreshTokens} WHERE ${familyRevoked})) AS revoked`,
      );
      return rows[0]?.revoked === 1;
    },
  };
}
