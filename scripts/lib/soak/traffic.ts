// The soak's traffic: client credentials, code flows through the login and consent pages, refreshes, introspection,
// userinfo, access-token verification with portcullis/verify, registrations (RFC 7591/7592) and racing code
// redemptions, each checking its answer. What the clients hold is kept, so audit.ts can compare it with D1.
import type { Verifier } from '@portcullis/verify';
import { type ClientCredentials, hiddenField, pkcePair, postAsClient, type SoakBrowser, sendJson } from './http-client';

export const SOAK_REDIRECT_URI = 'https://soak.example/callback';
const CODE_SCOPE = 'openid offline_access read';

export interface Family {
  client: ClientCredentials;
  refreshToken: string;
  busy: boolean;
}

export interface Session {
  browser: SoakBrowser;
  client: ClientCredentials;
  busy: boolean;
}

export interface Registration {
  clientId: string;
  deleted: boolean;
}

export interface SoakState {
  issuer: string;
  verifier: Verifier;
  machines: ClientCredentials[];
  sessions: Session[];
  /** Refresh token families the clients still use: exactly one usable token each, the one held here. */
  families: Family[];
  /** Refresh tokens that must be dead (revoked, or the loser of a code race revoked them). */
  deadRefreshTokens: string[];
  redeemedCodes: string[];
  registrations: Registration[];
}

export interface Counters {
  requests: number;
  actions: Record<string, number>;
  errors: string[];
}

export type Action = (state: SoakState, counters: Counters) => Promise<void>;

function pick<T>(items: T[]): T | undefined {
  return items[Math.floor(Math.random() * items.length)];
}

/**
 * Runs `work` with one of the idle `items` (a session, a refresh token family), marked busy meanwhile so no other
 * action uses it at the same time; with none idle, runs `otherwise`.
 */
async function withIdle<T extends { busy: boolean }>(
  items: T[],
  otherwise: () => Promise<void>,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const item = pick(items.filter((candidate) => !candidate.busy));
  if (!item) return otherwise();
  item.busy = true;
  try {
    await work(item);
  } finally {
    item.busy = false;
  }
}

/** Records an unexpected answer; the soak's bar is none at all. */
function expectStatus(counters: Counters, what: string, status: number, expected: number, body?: unknown): boolean {
  counters.requests += 1;
  if (status === expected) return true;
  counters.errors.push(`${what}: ${status} (expected ${expected}) ${JSON.stringify(body ?? '').slice(0, 200)}`);
  return false;
}

async function verifyAccessToken(state: SoakState, counters: Counters, token: unknown): Promise<void> {
  try {
    await state.verifier(String(token));
  } catch (error) {
    counters.errors.push(`verify: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export const clientCredentials: Action = async (state, counters) => {
  const client = pick(state.machines)!;
  const { status, body } = await postAsClient(state.issuer, client, '/oauth/token', {
    grant_type: 'client_credentials',
  });
  if (expectStatus(counters, 'client_credentials', status, 200, body))
    await verifyAccessToken(state, counters, body.access_token);
};

/** Runs /oauth/authorize for a signed-in session up to the code, through the consent page the first time. */
async function authorizationCode(counters: Counters, session: Session) {
  const { verifier, challenge } = await pkcePair();
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: session.client.clientId,
    redirect_uri: SOAK_REDIRECT_URI,
    scope: CODE_SCOPE,
    state: 'soak',
    nonce: 'soak',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const { response, html } = await session.browser.get(`/oauth/authorize?${query}`);
  counters.requests += 1;
  let location = response.headers.get('location');
  if (response.status === 200) {
    const consent = await session.browser.submit('/oauth/authorize/consent', {
      csrf_token: hiddenField(html, 'csrf_token'),
      authorization_request: hiddenField(html, 'authorization_request'),
      decision: 'allow',
    });
    counters.requests += 1;
    location = consent.headers.get('location');
  }
  const code = location?.startsWith(SOAK_REDIRECT_URI) ? new URL(location).searchParams.get('code') : null;
  if (!code) counters.errors.push(`authorize: no code (${response.status} ${location})`);
  return code ? { code, verifier } : null;
}

function exchange(state: SoakState, client: ClientCredentials, code: { code: string; verifier: string }) {
  return postAsClient(state.issuer, client, '/oauth/token', {
    grant_type: 'authorization_code',
    code: code.code,
    redirect_uri: SOAK_REDIRECT_URI,
    code_verifier: code.verifier,
  });
}

/** With an idle session, a fresh code (through consent the first time); client credentials traffic when none is idle. */
function withFreshCode(
  state: SoakState,
  counters: Counters,
  work: (session: Session, code: { code: string; verifier: string }) => Promise<void>,
): Promise<void> {
  return withIdle(
    state.sessions,
    () => clientCredentials(state, counters),
    async (session) => {
      const code = await authorizationCode(counters, session);
      if (code) await work(session, code);
    },
  );
}

export const codeFlow: Action = (state, counters) =>
  withFreshCode(state, counters, async (session, code) => {
    const { status, body } = await exchange(state, session.client, code);
    state.redeemedCodes.push(code.code);
    if (!expectStatus(counters, 'code exchange', status, 200, body)) return;
    await verifyAccessToken(state, counters, body.access_token);
    state.families.push({ client: session.client, refreshToken: String(body.refresh_token), busy: false });
    const userinfo = await fetch(new URL('/oauth/userinfo', state.issuer), {
      headers: { Authorization: `Bearer ${body.access_token}` },
    });
    expectStatus(counters, 'userinfo', userinfo.status, 200, await userinfo.text());
  });

/** Two redemptions of one code at once: exactly one wins, and the replay revokes what the winner got. */
export const codeRace: Action = (state, counters) =>
  withFreshCode(state, counters, async (session, code) => {
    const results = await Promise.all([exchange(state, session.client, code), exchange(state, session.client, code)]);
    state.redeemedCodes.push(code.code);
    counters.requests += 2;
    const statuses = results.map((result) => result.status).sort();
    if (statuses[0] !== 200 || statuses[1] !== 400) counters.errors.push(`code race: ${statuses.join(', ')}`);
    const winner = results.find((result) => result.status === 200);
    if (winner) state.deadRefreshTokens.push(String(winner.body.refresh_token));
  });

export const refresh: Action = (state, counters) =>
  withIdle(
    state.families,
    () => clientCredentials(state, counters),
    async (family) => {
      const { status, body } = await postAsClient(state.issuer, family.client, '/oauth/token', {
        grant_type: 'refresh_token',
        refresh_token: family.refreshToken,
      });
      if (!expectStatus(counters, 'refresh', status, 200, body)) return;
      family.refreshToken = String(body.refresh_token);
      await verifyAccessToken(state, counters, body.access_token);
    },
  );

export const introspect: Action = (state, counters) =>
  withIdle(
    state.families,
    () => clientCredentials(state, counters),
    async (family) => {
      const { status, body } = await postAsClient(state.issuer, family.client, '/oauth/introspect', {
        token: family.refreshToken,
      });
      if (expectStatus(counters, 'introspect', status, 200, body) && body.active !== true)
        counters.errors.push('introspect: a live refresh token reported inactive');
    },
  );

export const revoke: Action = async (state, counters) => {
  const family = pick(state.families.filter((candidate) => !candidate.busy));
  if (!family) return codeFlow(state, counters);
  state.families.splice(state.families.indexOf(family), 1);
  const { status, body } = await postAsClient(state.issuer, family.client, '/oauth/revoke', {
    token: family.refreshToken,
  });
  expectStatus(counters, 'revoke', status, 200, body);
  state.deadRefreshTokens.push(family.refreshToken);
};

export const registration: Action = async (state, counters) => {
  const created = await sendJson(state.issuer, '/oauth/register', 'POST', {
    client_name: 'Soak machine',
    grant_types: ['client_credentials'],
  });
  if (!expectStatus(counters, 'register', created.status, 201, created.body)) return;
  const client = { clientId: String(created.body.client_id), secret: String(created.body.client_secret) };
  const record: Registration = { clientId: client.clientId, deleted: false };
  state.registrations.push(record);
  const token = await postAsClient(state.issuer, client, '/oauth/token', { grant_type: 'client_credentials' });
  expectStatus(counters, 'token of a new client', token.status, 200, token.body);
  const management = { Authorization: `Bearer ${created.body.registration_access_token}` };
  const path = `/oauth/register/${encodeURIComponent(client.clientId)}`;
  const read = await sendJson(state.issuer, path, 'GET', undefined, management);
  expectStatus(counters, 'registration read', read.status, 200, read.body);
  if (Math.random() < 0.5) {
    state.machines.push(client);
    return;
  }
  const deleted = await fetch(new URL(path, state.issuer), { method: 'DELETE', headers: management });
  if (expectStatus(counters, 'registration delete', deleted.status, 204)) record.deleted = true;
  const after = await postAsClient(state.issuer, client, '/oauth/token', { grant_type: 'client_credentials' });
  expectStatus(counters, 'token of a deleted client', after.status, 401, after.body);
};

/** The mix: how often each action is picked (in this order once first, so a code flow precedes the refresh). */
export const TRAFFIC_MIX: Array<[name: string, action: Action, weight: number]> = [
  ['client_credentials', clientCredentials, 30],
  ['code flow', codeFlow, 14],
  ['refresh', refresh, 25],
  ['introspect', introspect, 10],
  ['registration', registration, 10],
  ['code race', codeRace, 4],
  ['revoke', revoke, 3],
];

export function pickAction(): [string, Action] {
  const total = TRAFFIC_MIX.reduce((sum, [, , weight]) => sum + weight, 0);
  let roll = Math.random() * total;
  for (const [name, action, weight] of TRAFFIC_MIX) {
    roll -= weight;
    if (roll < 0) return [name, action];
  }
  return [TRAFFIC_MIX[0]![0], TRAFFIC_MIX[0]![1]];
}
