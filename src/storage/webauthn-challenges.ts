// WebAuthnChallengeStore on D1: pending WebAuthn ceremonies, keyed by the SHA-256 of the browser's ceremony cookie
// and consumed by one DELETE … RETURNING, so a challenge answers at most one response (WebAuthn §13.4.3).
import { and, eq, gt } from 'drizzle-orm';
import { generateOpaqueToken, hashOpaqueToken } from '../tokens/opaque';
import type { Database } from './db';
import { webauthnChallenges } from './schema';
import type { WebAuthnChallengeStore } from './types';

export function createWebAuthnChallengeStore(db: Database): WebAuthnChallengeStore {
  return {
    async create(ceremony) {
      const token = generateOpaqueToken();
      await db.insert(webauthnChallenges).values({ tokenHash: await hashOpaqueToken(token), ...ceremony });
      return token;
    },
    async consume(token, nowSeconds) {
      const [row] = await db
        .delete(webauthnChallenges)
        .where(
          and(
            eq(webauthnChallenges.tokenHash, await hashOpaqueToken(token)),
            gt(webauthnChallenges.expiresAt, nowSeconds),
          ),
        )
        .returning();
      if (!row) return null;
      const { tokenHash: _, ...ceremony } = row;
      return ceremony;
    },
  };
}
