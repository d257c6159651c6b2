// Deletes rows that can no longer change any answer: expired authorization codes, dead refresh tokens, expired
// sessions and finished login/rate-limit counters. Run hourly by the Worker's scheduled handler (docs/operations.md),
// like Django OAuth Toolkit's `cleartokens`.
import { and, isNull, lte, or } from 'drizzle-orm';
import type { Database } from './db';
import { authorizationCodes, loginThrottles, rateLimits, refreshTokens, sessions } from './schema';

/**
 * How long a consumed code or a revoked refresh token outlives its use: while it exists, presenting it again is
 * recognised as a replay (codes.ts `replayed`, RFC 6749 §4.1.2) rather than as an unknown value.
 */
export const REPLAY_EVIDENCE_RETENTION_SECONDS = 24 * 60 * 60;

/** Counters are deleted this long after their window began: longer than any window in use (15 minutes for logins). */
export const COUNTER_RETENTION_SECONDS = 24 * 60 * 60;

export interface PurgeCounts {
  authorizationCodes: number;
  refreshTokens: number;
  sessions: number;
  loginThrottles: number;
  rateLimits: number;
}

/** Deletes, in one D1 transaction, every row that is expired at `nowSeconds`; returns how many per table. */
export async function purgeExpired(db: Database, nowSeconds: number): Promise<PurgeCounts> {
  const evidenceCutoff = nowSeconds - REPLAY_EVIDENCE_RETENTION_SECONDS;
  const counterCutoff = nowSeconds - COUNTER_RETENTION_SECONDS;
  const results = await db.batch([
    db
      .delete(authorizationCodes)
      .where(
        and(
          lte(authorizationCodes.expiresAt, nowSeconds),
          or(isNull(authorizationCodes.consumedAt), lte(authorizationCodes.consumedAt, evidenceCutoff)),
        ),
      ),
    db.delete(refreshTokens).where(
      or(
        // The family is past its absolute lifetime: no member can be used, so none needs replay detection.
        lte(refreshTokens.grantExpiresAt, nowSeconds),
        // A family's current token that idled out. Rotated ancestors stay until the family's absolute expiry, which
        // bounds how long the family can have a live member: presenting one is theft to detect (RFC 9700 §4.14.2).
        and(isNull(refreshTokens.rotatedAt), isNull(refreshTokens.revokedAt), lte(refreshTokens.expiresAt, nowSeconds)),
        lte(refreshTokens.revokedAt, evidenceCutoff),
      ),
    ),
    db.delete(sessions).where(lte(sessions.expiresAt, nowSeconds)),
    // A throttle row whose window and lock are both over counts nothing: the next failure starts a new window.
    db
      .delete(loginThrottles)
      .where(
        and(
          lte(loginThrottles.windowStartedAt, counterCutoff),
          or(isNull(loginThrottles.lockedUntil), lte(loginThrottles.lockedUntil, nowSeconds)),
        ),
      ),
    db.delete(rateLimits).where(lte(rateLimits.windowStartedAt, counterCutoff)),
  ]);
  const [codes, tokens, expiredSessions, throttles, limits] = results.map((result) => result.meta.changes);
  return {
    authorizationCodes: codes ?? 0,
    refreshTokens: tokens ?? 0,
    sessions: expiredSessions ?? 0,
    loginThrottles: throttles ?? 0,
    rateLimits: limits ?? 0,
  };
}
