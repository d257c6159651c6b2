// purgeExpired and the cron trigger: expired codes, dead refresh tokens, expired sessions, finished counters and
// DPoP proof ids past their proof's lifetime go;
// consumed codes and rotated ancestors stay while replay and reuse detection need them (RFC 6749 §4.1.2,
// RFC 9700 §4.14.2); a backlog is deleted in bounded slices across runs.
import { describe, expect, it, vi } from 'vitest';
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test';
import { inArray } from 'drizzle-orm';
import worker from '../../src/index';
import { databaseFor } from '../../src/storage/db';
import { PURGE_MAX_SLICES, type PurgeCounts, purgeExpired } from '../../src/storage/purge';
import { storesFor } from '../../src/storage/stores';
import {
  authorizationCodes,
  dpopProofs,
  webauthnChallenges,
  upstreamSignIns,
  emailTokens,
  loginThrottles,
  outboxMessages,
  rateLimits,
  refreshTokens,
  sessions,
  users,
} from '../../src/storage/schema';
import { generateOpaqueToken } from '../../src/tokens/opaque';
import { createTestClient } from '../helpers/clients';

const NOW = 2_000_000_000;
const MINUTE = 60;
const DAY = 24 * 60 * MINUTE;

const db = databaseFor(env.DB);

/** A run's counts: these, and 0 for every other table. */
function purged(counts: Partial<PurgeCounts> = {}): PurgeCounts {
  return {
    authorizationCodes: 0,
    refreshTokens: 0,
    revokedGrants: 0,
    sessions: 0,
    loginThrottles: 0,
    rateLimits: 0,
    deviceAuthorizations: 0,
    clientAssertionJtis: 0,
    pushedAuthorizationRequests: 0,
    dpopProofs: 0,
    emailTokens: 0,
    outboxMessages: 0,
    webauthnChallenges: 0,
    upstreamSignIns: 0,
    pendingSignIns: 0,
    ...counts,
  };
}
const id = (label: string) => `${label}-${generateOpaqueToken(9)}`;

/** A user and a client that the rows below belong to. */
async function createOwners(): Promise<{ userId: string; clientId: string }> {
  const userId = id('user');
  await db
    .insert(users)
    .values({ id: userId, username: userId, passwordHash: 'unused', createdAt: NOW - DAY, updatedAt: NOW - DAY });
  const { client } = await createTestClient();
  return { userId, clientId: client.id };
}

async function insertCode(
  owners: { userId: string; clientId: string },
  expiresAt: number,
  consumedAt: number | null,
): Promise<string> {
  const codeHash = id('code');
  await db.insert(authorizationCodes).values({
    codeHash,
    grantId: id('grant'),
    ...owners,
    redirectUri: 'https://app.test/cb',
    scope: 'openid',
    resources: [],
    authTime: expiresAt - MINUTE,
    createdAt: expiresAt - MINUTE,
    expiresAt,
    consumedAt,
  });
  return codeHash;
}

interface TokenTimes {
  expiresAt: number;
  grantExpiresAt: number;
  rotatedAt?: number;
  revokedAt?: number;
}

async function insertRefreshToken(
  owners: { userId: string; clientId: string },
  grantId: string,
  times: TokenTimes,
): Promise<string> {
  const tokenHash = id('rt');
  await db.insert(refreshTokens).values({
    tokenHash,
    grantId,
    ...owners,
    scope: 'openid',
    resources: [],
    authTime: NOW - DAY,
    createdAt: NOW - DAY,
    rotatedAt: null,
    revokedAt: null,
    ...times,
  });
  return tokenHash;
}

async function insertSession(userId: string, expiresAt: number): Promise<string> {
  const idHash = id('session');
  await db.insert(sessions).values({ idHash, userId, authTime: NOW - DAY, createdAt: NOW - DAY, expiresAt });
  return idHash;
}

async function insertThrottle(windowStartedAt: number, lockedUntil: number | null): Promise<string> {
  const key = id('user:throttle');
  await db.insert(loginThrottles).values({ key, failures: 5, windowStartedAt, lockedUntil });
  return key;
}

async function insertRateLimit(windowStartedAt: number): Promise<string> {
  const key = id('register:ip');
  await db.insert(rateLimits).values({ key, windowStartedAt, count: 3 });
  return key;
}

/** Which of these keys are still stored, per table. */
async function remaining(keys: {
  codes: string[];
  tokens: string[];
  sessions: string[];
  throttles: string[];
  limits: string[];
}) {
  const [codes, tokens, liveSessions, throttles, limits] = await Promise.all([
    db
      .select({ key: authorizationCodes.codeHash })
      .from(authorizationCodes)
      .where(inArray(authorizationCodes.codeHash, keys.codes)),
    db
      .select({ key: refreshTokens.tokenHash })
      .from(refreshTokens)
      .where(inArray(refreshTokens.tokenHash, keys.tokens)),
    db.select({ key: sessions.idHash }).from(sessions).where(inArray(sessions.idHash, keys.sessions)),
    db.select({ key: loginThrottles.key }).from(loginThrottles).where(inArray(loginThrottles.key, keys.throttles)),
    db.select({ key: rateLimits.key }).from(rateLimits).where(inArray(rateLimits.key, keys.limits)),
  ]);
  const sorted = (rows: Array<{ key: string }>) => rows.map(({ key }) => key).sort();
  return {
    codes: sorted(codes),
    tokens: sorted(tokens),
    sessions: sorted(liveSessions),
    throttles: sorted(throttles),
    limits: sorted(limits),
  };
}

describe('purgeExpired', () => {
  it('deletes expired codes, dead refresh tokens, expired sessions and finished counters, and nothing else', async () => {
    const owners = await createOwners();
    const liveFamily = id('grant');
    const deadFamily = id('grant');

    const liveCode = await insertCode(owners, NOW + MINUTE, null);
    const expiredCode = await insertCode(owners, NOW - 1, null);
    // Redeemed a minute ago: kept, so presenting it again is still recognised as a replay (RFC 6749 §4.1.2).
    const recentlyConsumedCode = await insertCode(owners, NOW - MINUTE, NOW - 2 * MINUTE);
    const longConsumedCode = await insertCode(owners, NOW - 2 * DAY, NOW - 2 * DAY - MINUTE);

    const liveToken = await insertRefreshToken(owners, liveFamily, {
      expiresAt: NOW + DAY,
      grantExpiresAt: NOW + 30 * DAY,
    });
    // A rotated ancestor of a live family: reuse detection (RFC 9700 §4.14.2) needs it until the family's end.
    const rotatedAncestor = await insertRefreshToken(owners, liveFamily, {
      expiresAt: NOW - DAY,
      grantExpiresAt: NOW + 30 * DAY,
      rotatedAt: NOW - 2 * DAY,
    });
    const idledOutTip = await insertRefreshToken(owners, id('grant'), {
      expiresAt: NOW - 1,
      grantExpiresAt: NOW + 30 * DAY,
    });
    const pastAbsoluteTip = await insertRefreshToken(owners, deadFamily, {
      expiresAt: NOW + DAY,
      grantExpiresAt: NOW - 1,
    });
    const pastAbsoluteAncestor = await insertRefreshToken(owners, deadFamily, {
      expiresAt: NOW - DAY,
      grantExpiresAt: NOW - 1,
      rotatedAt: NOW - 2 * DAY,
    });
    const recentlyRevoked = await insertRefreshToken(owners, id('grant'), {
      expiresAt: NOW + DAY,
      grantExpiresAt: NOW + 30 * DAY,
      revokedAt: NOW - MINUTE,
    });
    const longRevoked = await insertRefreshToken(owners, id('grant'), {
      expiresAt: NOW + DAY,
      grantExpiresAt: NOW + 30 * DAY,
      revokedAt: NOW - 2 * DAY,
    });

    // A revoked grant is remembered until its last access token expires (userinfo and introspection refuse them).
    const revokedGrants = storesFor(env.DB).revokedGrants;
    const [stillCovering, allExpired] = [id('grant'), id('grant')];
    await revokedGrants.revoke(stillCovering, NOW - MINUTE, NOW + MINUTE);
    await revokedGrants.revoke(allExpired, NOW - DAY, NOW - 1);

    const liveSession = await insertSession(owners.userId, NOW + MINUTE);
    const expiredSession = await insertSession(owners.userId, NOW - 1);

    const currentThrottle = await insertThrottle(NOW - MINUTE, null);
    const staleLockedThrottle = await insertThrottle(NOW - 2 * DAY, NOW + MINUTE);
    const staleThrottle = await insertThrottle(NOW - 2 * DAY, NOW - DAY);
    const currentLimit = await insertRateLimit(NOW - MINUTE);
    const staleLimit = await insertRateLimit(NOW - 2 * DAY);
    // A DPoP proof id is kept while its proof could still be accepted, and no longer (RFC 9449 §11.1).
    await db.insert(dpopProofs).values([
      { id: id('proof'), expiresAt: NOW + MINUTE },
      { id: id('proof'), expiresAt: NOW - 1 },
    ]);
    // A WebAuthn ceremony can be answered until it expires, and not after.
    await db.insert(webauthnChallenges).values(
      [NOW + MINUTE, NOW - 1].map((expiresAt) => ({
        tokenHash: id('ceremony'),
        challengeHash: 'hash',
        purpose: 'sign-in' as const,
        expiresAt,
      })),
    );
    // An upstream sign-in can be finished until it expires, and not after.
    await db.insert(upstreamSignIns).values([
      { stateHash: id('state'), providerId: 'acme', returnTo: '/account', expiresAt: NOW + MINUTE },
      { stateHash: id('state'), providerId: 'acme', returnTo: '/account', expiresAt: NOW - 1 },
    ]);
    // A pending sign-in (second factor due) is dropped once it expired.
    const pending = storesFor(env.DB).pendingSignIns;
    const livePending = await pending.create({ userId: owners.userId, returnTo: '/', nowSeconds: NOW, ttlSeconds: 60 });
    await pending.create({ userId: owners.userId, returnTo: '/', nowSeconds: NOW - MINUTE, ttlSeconds: 1 });

    // A mailed link goes once expired; development mail a day after it was kept.
    await db.insert(emailTokens).values(
      [NOW + MINUTE, NOW - 1].map((expiresAt) => ({
        tokenHash: id('link'),
        userId: owners.userId,
        purpose: 'reset_password' as const,
        email: 'someone@example.com',
        createdAt: expiresAt - MINUTE,
        expiresAt,
      })),
    );
    await db.insert(outboxMessages).values(
      [NOW - MINUTE, NOW - 2 * DAY].map((createdAt) => ({
        id: id('mail'),
        to: 'a@b',
        subject: 's',
        text: 't',
        createdAt,
      })),
    );

    const keys = {
      codes: [liveCode, expiredCode, recentlyConsumedCode, longConsumedCode],
      tokens: [
        liveToken,
        rotatedAncestor,
        idledOutTip,
        pastAbsoluteTip,
        pastAbsoluteAncestor,
        recentlyRevoked,
        longRevoked,
      ],
      sessions: [liveSession, expiredSession],
      throttles: [currentThrottle, staleLockedThrottle, staleThrottle],
      limits: [currentLimit, staleLimit],
    };

    expect(await purgeExpired(db, NOW)).toEqual(
      purged({
        authorizationCodes: 2,
        refreshTokens: 4,
        revokedGrants: 1,
        sessions: 1,
        loginThrottles: 1,
        rateLimits: 1,
        dpopProofs: 1,
        emailTokens: 1,
        outboxMessages: 1,
        webauthnChallenges: 1,
        upstreamSignIns: 1,
        pendingSignIns: 1,
      }),
    );
    expect(await pending.find(livePending, NOW)).not.toBeNull();
    expect(await revokedGrants.isRevoked(stillCovering)).toBe(true);
    expect(await revokedGrants.isRevoked(allExpired)).toBe(false);
    expect(await remaining(keys)).toEqual({
      codes: [liveCode, recentlyConsumedCode].sort(),
      tokens: [liveToken, rotatedAncestor, recentlyRevoked].sort(),
      sessions: [liveSession],
      throttles: [currentThrottle, staleLockedThrottle].sort(),
      limits: [currentLimit],
    });
  });

  it('deletes nothing when nothing has expired', async () => {
    const owners = await createOwners();
    await insertCode(owners, NOW + MINUTE, null);
    await insertRefreshToken(owners, id('grant'), { expiresAt: NOW + DAY, grantExpiresAt: NOW + 30 * DAY });
    await insertSession(owners.userId, NOW + MINUTE);
    expect(await purgeExpired(db, NOW)).toEqual(purged());
  });
});

describe('purgeExpired on a backlog', () => {
  /** Expired sessions, inserted one statement per row (D1 binds at most 100 parameters per statement). */
  async function insertExpiredSessions(count: number): Promise<string[]> {
    const { userId } = await createOwners();
    const ids = Array.from({ length: count }, () => id('session'));
    const [first, ...rest] = ids.map((idHash) =>
      db.insert(sessions).values({ idHash, userId, authTime: NOW - DAY, createdAt: NOW - DAY, expiresAt: NOW - 1 }),
    );
    await db.batch([first!, ...rest]);
    return ids;
  }

  it('deletes in slices and leaves what exceeds PURGE_MAX_SLICES slices for the next run', async () => {
    await insertExpiredSessions(PURGE_MAX_SLICES + 1);

    expect((await purgeExpired(db, NOW, 1)).sessions).toBe(PURGE_MAX_SLICES);
    expect((await purgeExpired(db, NOW, 1)).sessions).toBe(1);
    expect(await purgeExpired(db, NOW, 2)).toEqual(purged());
  });

  it('works a backlog off completely when it fits in the slices of one run', async () => {
    const backlog = await insertExpiredSessions(5);
    expect((await purgeExpired(db, NOW, 2)).sessions).toBe(5);
    expect((await remaining({ codes: [], tokens: [], sessions: backlog, throttles: [], limits: [] })).sessions).toEqual(
      [],
    );
  });
});

describe('the scheduled (cron) handler', () => {
  it('purges expired rows as of the trigger’s scheduled time', async () => {
    const owners = await createOwners();
    const liveCode = await insertCode(owners, NOW + MINUTE, null);
    const expiredCode = await insertCode(owners, NOW - 1, null);
    const liveSession = await insertSession(owners.userId, NOW + MINUTE);
    const expiredSession = await insertSession(owners.userId, NOW - 1);
    const idledOutTip = await insertRefreshToken(owners, id('grant'), {
      expiresAt: NOW - 1,
      grantExpiresAt: NOW + DAY,
    });

    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);

    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ scheduledTime: new Date(NOW * 1000), cron: '17 * * * *' }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);

    expect(log.mock.calls).toEqual([
      [
        JSON.stringify({
          event: 'purge_expired',
          cron: '17 * * * *',
          ...purged({ authorizationCodes: 1, refreshTokens: 1, sessions: 1 }),
        }),
      ],
      [JSON.stringify({ event: 'purge_audit_events', cron: '17 * * * *', auditEvents: 0 })],
    ]);
    log.mockRestore();

    expect(
      await remaining({
        codes: [liveCode, expiredCode],
        tokens: [idledOutTip],
        sessions: [liveSession, expiredSession],
        throttles: [],
        limits: [],
      }),
    ).toEqual({
      codes: [liveCode],
      tokens: [],
      sessions: [liveSession],
      throttles: [],
      limits: [],
    });
  });
});
