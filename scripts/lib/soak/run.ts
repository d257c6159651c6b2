// The soak: serves the production bundle (wrangler's dry-run output, as the bench does) on workerd with a local D1,
// signs up users and registers clients over HTTP, drives mixed traffic with a few concurrent clients for a while,
// then audits the token state in D1. Used by `npm run soak` and, in a short profile, by test/e2e/soak.test.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProductionBundle } from '../../../bench/lib/build';
import { readCompatibility, startWorkerd } from '../../../bench/lib/workerd';
import { generateSigningKeySet } from '../../../src/tokens/generate-key';
import { createVerifier } from '@portcullis/verify';
import { auditState, type AuditReport } from './audit';
import { type ClientCredentials, SoakBrowser, sendJson } from './http-client';
import { type Action, type Counters, pickAction, SOAK_REDIRECT_URI, type SoakState, TRAFFIC_MIX } from './traffic';

export interface SoakOptions {
  seconds: number;
  /** Clients sending at once. */
  concurrency: number;
  users?: number;
}

export interface SoakReport extends AuditReport {
  seconds: number;
  requests: number;
  actions: Record<string, number>;
  errors: string[];
}

const PASSWORD = 'soak test passphrase';

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const directory = await mkdtemp(join(tmpdir(), 'portcullis-soak-'));
  try {
    const bundle = await buildProductionBundle(join(directory, 'dist'));
    // What the Worker logs at error level (app.onError logs every 5xx with its cause) counts as a soak error; the
    // rest (one audit line per event) is dropped.
    const serverErrors: string[] = [];
    const { server, issuer } = await startIssuer(bundle.scriptPath, join(directory, 'state'), serverErrors);
    try {
      const state = await seed(issuer, options.users ?? 4);
      const counters = await drive(state, options);
      const audit = await auditState(server.db!, state);
      return { seconds: options.seconds, ...counters, errors: [...counters.errors, ...serverErrors], ...audit };
    } finally {
      await server.dispose();
    }
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** Serves the bundle on workerd (startWorkerd picks a free port, and another if that one is taken meanwhile). */
async function startIssuer(scriptPath: string, persistDir: string, serverErrors: string[]) {
  const signingKeys = JSON.stringify(await generateSigningKeySet(['ES256', 'RS256']));
  const server = await startWorkerd({
    name: 'soak',
    scriptPath,
    ...readCompatibility(),
    bindings: (port) => ({
      ISSUER: `http://127.0.0.1:${port}`,
      SIGNING_KEYS: signingKeys,
      REGISTRATION_POLICY: 'open',
      // Every soak request comes from one address: the production limits would stop the soak, not test it.
      REGISTRATION_RATE_LIMIT: '1000000',
      REGISTRATION_MAX_CLIENTS_PER_REGISTRANT: '1000000',
      SIGNUP_RATE_LIMIT: '1000000',
      // The soak presents tokens of clients it deleted, again and again, from its one address.
      CLIENT_AUTH_FAILURE_LIMIT: '1000000',
    }),
    persistDir,
    d1: true,
    onLog: ({ level, message }) => {
      if (level === 'error') serverErrors.push(`server: ${message.slice(0, 300)}`);
    },
  });
  return { server, issuer: server.url };
}

async function registerClient(issuer: string, metadata: Record<string, unknown>): Promise<ClientCredentials> {
  const { status, body } = await sendJson(issuer, '/oauth/register', 'POST', metadata);
  if (status !== 201) throw new Error(`soak set-up: registration failed: ${JSON.stringify(body)}`);
  return { clientId: String(body.client_id), secret: String(body.client_secret) };
}

async function seed(issuer: string, users: number): Promise<SoakState> {
  const machines = await Promise.all(
    [1, 2].map(() => registerClient(issuer, { client_name: 'Soak machine', grant_types: ['client_credentials'] })),
  );
  const codeClient = await registerClient(issuer, {
    client_name: 'Soak app',
    redirect_uris: [SOAK_REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token'],
    scope: 'openid offline_access read',
  });
  const sessions = await Promise.all(
    Array.from({ length: users }, async (_, index) => {
      const username = `soak_${index}_${crypto.randomUUID().slice(0, 6)}`;
      const signup = await sendJson(issuer, '/signup', 'POST', { username, password: PASSWORD });
      if (signup.status !== 201) throw new Error(`soak set-up: sign-up failed: ${JSON.stringify(signup.body)}`);
      const browser = new SoakBrowser(issuer);
      const { html } = await browser.get('/login');
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] ?? '';
      const login = await browser.submit('/login', {
        csrf_token: csrf,
        username,
        password: PASSWORD,
        return_to: '/account',
      });
      if (login.status !== 303) throw new Error(`soak set-up: login failed with ${login.status}`);
      return { browser, client: codeClient, busy: false };
    }),
  );
  const verifier = createVerifier({ issuer, audience: `${issuer}/api`, jwksUri: `${issuer}/.well-known/jwks.json` });
  return {
    issuer,
    verifier,
    machines,
    sessions,
    families: [],
    deadRefreshTokens: [],
    redeemedCodes: [],
    registrations: [],
  };
}

async function drive(state: SoakState, options: SoakOptions): Promise<Counters> {
  const counters: Counters = { requests: 0, actions: {}, errors: [] };
  const run = async (name: string, action: Action) => {
    counters.actions[name] = (counters.actions[name] ?? 0) + 1;
    try {
      await action(state, counters);
    } catch (error) {
      counters.errors.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const deadline = Date.now() + options.seconds * 1000;
  // Every kind of traffic once first (a code flow before the refresh that needs its family), however short the run.
  for (const [name, action] of TRAFFIC_MIX) await run(name, action);
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (Date.now() < deadline) await run(...pickAction());
    }),
  );
  return counters;
}

/** One line per figure, for the terminal and the CI log. */
export function formatSoakReport(report: SoakReport): string {
  const actions = Object.entries(report.actions)
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
  return [
    `soak: ${report.seconds} s, ${report.requests} requests (${actions})`,
    `errors: ${report.errors.length}${report.errors.length ? `\n  ${report.errors.slice(0, 20).join('\n  ')}` : ''}`,
    `lost token state: ${report.lost.length}${report.lost.length ? `\n  ${report.lost.slice(0, 20).join('\n  ')}` : ''}`,
    `duplicated token state: ${report.duplicated.length}${report.duplicated.length ? `\n  ${report.duplicated.slice(0, 20).join('\n  ')}` : ''}`,
  ].join('\n');
}
