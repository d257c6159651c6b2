// Pre-issued credentials for the user-facing grants, written through the project's own stores as the
// authorization endpoint and token endpoint would write them: a user with a password (for the login target), a
// confidential client registered for
// authorization_code, the device grant and refresh_token, first refresh tokens (later ones come from the rotations
// themselves), single-use authorization codes with an S256 PKCE challenge, and device codes the user approved.
import { REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS, REFRESH_TOKEN_IDLE_TTL_SECONDS } from '../../src/config';
import { hashPassword } from '../../src/accounts/password-hash';
import {
  DEVICE_CODE_GRANT_TYPE,
  DEVICE_CODE_TTL_SECONDS,
  DEVICE_POLL_INTERVAL_SECONDS,
} from '../../src/oauth/device-authorization';
import { s256 } from '../../src/oauth/pkce';
import { storesFor, type Stores } from '../../src/storage/stores';
import { epochSeconds } from '../../src/tokens/access-token';
import { generateOpaqueToken, hashOpaqueToken } from '../../src/tokens/opaque';
import { recordingDatabase, replayStatements } from './d1-recorder';
import { BENCH_SCOPE, seedClients, type Credentials } from './seed';

export const GRANT_CLIENT_ID = 'bench-web-app';
export const REDIRECT_URI = 'http://127.0.0.1/callback';
export const BENCH_USER_ID = 'bench-user';
export const BENCH_USERNAME = 'bench-user';
/** The login target signs in with it; the hash is made at run time like any other. */
export const BENCH_PASSWORD = 'bench correct horse battery staple';
/**
 * Accounts the login target signs in to in turn: the login throttle refuses a burst of concurrent attempts on one
 * account (more than its limit in flight at once), which a real account never sees from its one user.
 */
export const LOGIN_USERNAMES = Array.from({ length: 40 }, (_, index) => `bench-login-${index}`);
const USER_ID = BENCH_USER_ID;
/** RFC 6749 §4.1.2 recommends at most ten minutes; Portcullis allows at most 60 s. */
const CODE_TTL_SECONDS = 60;

export interface GrantFixtures {
  client: Credentials;
  /** One PKCE verifier for every code: each code still carries its own challenge row. */
  codeVerifier: string;
}

export async function seedGrantFixtures(db: D1Database): Promise<GrantFixtures> {
  const stores = storesFor(db);
  const now = epochSeconds();
  // One PBKDF2 run: every bench account has the same password, each its own row.
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  for (const [id, username] of [[USER_ID, BENCH_USERNAME], ...LOGIN_USERNAMES.map((name) => [name, name])] as const) {
    await stores.users.create({
      id,
      username,
      email: null,
      emailVerified: false,
      passwordHash,
      isAdmin: false,
      disabled: false,
      createdAt: now,
      updatedAt: now,
    });
  }
  const [client] = await seedClients(db, [GRANT_CLIENT_ID], {
    grantTypes: ['authorization_code', DEVICE_CODE_GRANT_TYPE, 'refresh_token'],
    responseTypes: ['code'],
    redirectUris: [REDIRECT_URI],
  });
  return { client: client!, codeVerifier: generateOpaqueToken() };
}

/** First refresh tokens of fresh grants, as the authorization_code grant would have stored them. */
export async function issueRefreshTokens(db: D1Database, count: number): Promise<string[]> {
  const now = epochSeconds();
  return inBatches(db, count, async (stores) => {
    const token = generateOpaqueToken();
    await stores.refreshTokens.create({
      tokenHash: await hashOpaqueToken(token),
      grantId: generateOpaqueToken(16),
      clientId: GRANT_CLIENT_ID,
      userId: USER_ID,
      scopes: BENCH_SCOPE.split(' '),
      resources: [],
      authTime: now,
      createdAt: now,
      expiresAt: now + REFRESH_TOKEN_IDLE_TTL_SECONDS,
      grantExpiresAt: now + REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS,
      rotatedAt: null,
      revokedAt: null,
    });
    return token;
  });
}

/** Authorization codes as the authorization endpoint issues them, valid for CODE_TTL_SECONDS from now. */
export async function issueAuthorizationCodes(
  db: D1Database,
  fixtures: GrantFixtures,
  count: number,
): Promise<string[]> {
  const now = epochSeconds();
  const codeChallenge = await s256(fixtures.codeVerifier);
  return inBatches(db, count, async (stores) => {
    const code = generateOpaqueToken();
    await stores.codes.create({
      codeHash: await hashOpaqueToken(code),
      grantId: generateOpaqueToken(16),
      clientId: GRANT_CLIENT_ID,
      userId: USER_ID,
      redirectUri: REDIRECT_URI,
      scopes: BENCH_SCOPE.split(' '),
      resources: [],
      codeChallenge,
      codeChallengeMethod: 'S256',
      nonce: null,
      authTime: now,
      createdAt: now,
      expiresAt: now + CODE_TTL_SECONDS,
      consumedAt: null,
    });
    return code;
  });
}

/** Device codes the user has approved on /device (RFC 8628 §3.3), as the device authorization endpoint stored them. */
export async function issueApprovedDeviceCodes(db: D1Database, count: number): Promise<string[]> {
  const now = epochSeconds();
  return inBatches(db, count, async (stores) => {
    const deviceCode = generateOpaqueToken();
    await stores.deviceAuthorizations.create({
      deviceCodeHash: await hashOpaqueToken(deviceCode),
      userCodeHash: await hashOpaqueToken(generateOpaqueToken()),
      clientId: GRANT_CLIENT_ID,
      scopes: BENCH_SCOPE.split(' '),
      resources: [],
      status: 'approved',
      userId: USER_ID,
      authTime: now,
      amr: ['pwd'],
      pollIntervalSeconds: DEVICE_POLL_INTERVAL_SECONDS,
      lastPolledAt: null,
      createdAt: now,
      expiresAt: now + DEVICE_CODE_TTL_SECONDS,
      consumedAt: null,
    });
    return deviceCode;
  });
}

/** Makes `count` credentials through the stores of a recorder, then writes them to D1 in a few batches. */
async function inBatches(db: D1Database, count: number, make: (stores: Stores) => Promise<string>): Promise<string[]> {
  const recorder = recordingDatabase();
  const stores = storesFor(recorder.db);
  const made: string[] = [];
  for (let index = 0; index < count; index++) made.push(await make(stores));
  await replayStatements(db, recorder.statements);
  return made;
}
