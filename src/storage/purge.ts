// Deletes rows that can no longer change any answer: expired authorization codes, dead refresh tokens, records of
// revoked grants whose tokens have expired, expired sessions and pending sign-ins, finished login/rate-limit
// counters, the ids of DPoP proofs too old to be accepted, expired mailed links, day-old development mail and upstream
// sign-ins that can no longer be finished. Run hourly by the Worker's scheduled handler (docs/operations.md), like
// Django OAuth Toolkit's `cleartokens`.
import { and, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Database } from './db';
import {
  authorizationCodes,
  clientAssertionJtis,
  deviceAuthorizations,
  dpopProofs,
  emailTokens,
  loginThrottles,
  outboxMessages,
  pendingSignIns,
  pushedAuthorizationRequests,
  rateLimits,
  refreshTokens,
  revokedGrants,
  sessions,
  webauthnChallenges,
  upstreamSignIns,
} from './schema';

/**
 * How long a consumed code or a revoked refresh token outlives its use: while it exists, presenting it again is
 * recognised as a replay (codes.ts `replayed`, RFC 6749 §4.1.2) rather than as an unknown value.
 */
export const REPLAY_EVIDENCE_RETENTION_SECONDS = 24 * 60 * 60;

/** Counters are deleted this long after their window began: longer than any window in use (15 minutes for logins). */
export const COUNTER_RETENTION_SECONDS = 24 * 60 * 60;

/** Rows deleted per table per statement, so that no statement runs into D1's limits after a backlog builds up. */
export const PURGE_SLICE_ROWS = 5_000;

/** Slices per run at most; a larger backlog is left for the next run. */
export const PURGE_MAX_SLICES = 20;

export interface PurgeCounts {
  authorizationCodes: number;
  refreshTokens: number;
  revokedGrants: number;
  sessions: number;
  loginThrottles: number;
  rateLimits: number;
  deviceAuthorizations: number;
  clientAssertionJtis: number;
  pushedAuthorizationRequests: number;
  dpopProofs: number;
  emailTokens: number;
  outboxMessages: number;
  webauthnChallenges: number;
  upstreamSignIns: number;
  pendingSignIns: number;
}

interface PurgeTarget {
  name: keyof PurgeCounts;
  table: SQLiteTable;
  expired: SQL | undefined;
}

function purgeTargets(nowSeconds: number): PurgeTarget[] {
  const evidenceCutoff = nowSeconds - REPLAY_EVIDENCE_RETENTION_SECONDS;
  const counterCutoff = nowSeconds - COUNTER_RETENTION_SECONDS;
  return [
    {
      name: 'authorizationCodes',
      table: authorizationCodes,
      expired: and(
        lte(authorizationCodes.expiresAt, nowSeconds),
        or(isNull(authorizationCodes.consumedAt), lte(authorizationCodes.consumedAt, evidenceCutoff)),
      ),
    },
    {
      name: 'refreshTokens',
      table: refreshTokens,
      expired: or(
        // The family is past its absolute lifetime: no member can be used, so none needs replay detection.
        lte(refreshTokens.grantExpiresAt, nowSeconds),
        // A family's current token that idled out. Rotated ancestors stay until the family's absolute expiry, which
        // bounds how long the family can have a live member: presenting one is theft to detect (RFC 9700 §4.14.2).
        and(isNull(refreshTokens.rotatedAt), isNull(refreshTokens.revokedAt), lte(refreshTokens.expiresAt, nowSeconds)),
        lte(refreshTokens.revokedAt, evidenceCutoff),
      ),
    },
    // Every access token of the grant has expired: nothing is left for the record to refuse.
    { name: 'revokedGrants', table: revokedGrants, expired: lte(revokedGrants.expiresAt, nowSeconds) },
    { name: 'sessions', table: sessions, expired: lte(sessions.expiresAt, nowSeconds) },
    {
      name: 'loginThrottles',
      table: loginThrottles,
      // A row whose window and lock are both over counts nothing: the next failure starts a new window.
      expired: and(
        lte(loginThrottles.windowStartedAt, counterCutoff),
        or(isNull(loginThrottles.lockedUntil), lte(loginThrottles.lockedUntil, nowSeconds)),
      ),
    },
    { name: 'rateLimits', table: rateLimits, expired: lte(rateLimits.windowStartedAt, counterCutoff) },
    // Kept a day past expiry, so a late poll is told expired_token rather than that the code is unknown.
    {
      name: 'deviceAuthorizations',
      table: deviceAuthorizations,
      expired: lte(deviceAuthorizations.expiresAt, evidenceCutoff),
    },
    // An expired assertion is refused for its `exp` already, so its jti need not be remembered.
    {
      name: 'clientAssertionJtis',
      table: clientAssertionJtis,
      expired: lte(clientAssertionJtis.expiresAt, nowSeconds),
    },
    {
      name: 'pushedAuthorizationRequests',
      table: pushedAuthorizationRequests,
      expired: lte(pushedAuthorizationRequests.expiresAt, nowSeconds),
    },
    // A proof past its expiry is refused for its iat alone, so its jti no longer needs remembering.
    { name: 'dpopProofs', table: dpopProofs, expired: lte(dpopProofs.expiresAt, nowSeconds) },
    // A mailed link past its expiry opens nothing; development mail is kept a day, long after its links expired.
    { name: 'emailTokens', table: emailTokens, expired: lte(emailTokens.expiresAt, nowSeconds) },
    { name: 'outboxMessages', table: outboxMessages, expired: lte(outboxMessages.createdAt, counterCutoff) },
    // A ceremony past its expiry can no longer be consumed.
    { name: 'webauthnChallenges', table: webauthnChallenges, expired: lte(webauthnChallenges.expiresAt, nowSeconds) },
    // An upstream sign-in past its expiry can no longer be finished.
    { name: 'upstreamSignIns', table: upstreamSignIns, expired: lte(upstreamSignIns.expiresAt, nowSeconds) },
    // An expired pending sign-in is refused already; the password comes first again.
    { name: 'pendingSignIns', table: pendingSignIns, expired: lte(pendingSignIns.expiresAt, nowSeconds) },
  ];
}

/** Deletes every row expired at `nowSeconds`, in slices of at most `sliceRows` per table; returns how many per table. */
export async function purgeExpired(
  db: Database,
  nowSeconds: number,
  sliceRows = PURGE_SLICE_ROWS,
): Promise<PurgeCounts> {
  let pending = purgeTargets(nowSeconds);
  // One count per target, in the targets' order (the cron log line lists them so).
  const counts = Object.fromEntries(pending.map(({ name }) => [name, 0])) as Record<keyof PurgeCounts, number>;
  for (let slice = 0; slice < PURGE_MAX_SLICES && pending.length > 0; slice++) {
    // SQLite has no DELETE ... LIMIT by default; a rowid subquery bounds the slice instead.
    const [first, ...rest] = pending.map(({ table, expired }) =>
      db
        .delete(table)
        .where(inArray(sql`rowid`, db.select({ rowid: sql`rowid` }).from(table).where(expired).limit(sliceRows))),
    );
    const results = await db.batch([first!, ...rest]);
    const full: PurgeTarget[] = [];
    results.forEach((result, index) => {
      const target = pending[index]!;
      counts[target.name] += result.meta.changes;
      if (result.meta.changes >= sliceRows) full.push(target);
    });
    pending = full;
  }
  return counts;
}
