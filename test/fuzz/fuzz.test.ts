// The property-based fuzzer (fast-check) over every endpoint in discovery and every page: whatever arrives, no 5xx,
// every JSON error has a registered code and an RFC 6749 §5.2-clean description, HTML cannot be framed, and a
// rejected request leaves every D1 row as it was. The fast profile runs here in `npm test`; `npm run fuzz -- --runs N
// --seed S` is the long one (scripts/fuzz.ts). The seed is printed, and a failure prints its seed and path.
import { env } from 'cloudflare:test';
import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { createCodeClient, createPublicCodeClient, REDIRECT_URI } from '../helpers/authorization';
import { signedInBrowser } from '../helpers/authorize';
import { TEST_ISSUER } from '../helpers/constants';
import { BOOKKEEPING_TABLES, snapshotRows } from '../helpers/d1-rows';
import { basicAuthorization, send } from '../helpers/http';
import { bearer, registerClientCredentialsClient } from '../helpers/registration';
import { storesFor } from '../../src/storage/stores';
import { createTestClient } from '../helpers/clients';
import { TEST_PASSWORD } from '../helpers/users';
import { responseProblems } from './properties';
import { fuzzRequest, requestInit, type FuzzDictionary, type FuzzRequest } from './requests';

/** The fast profile: a few hundred requests, well under a minute on the CI machine. */
const FAST_PROFILE_RUNS = 400;
const runs = Number(env.FUZZ_RUNS) || FAST_PROFILE_RUNS;
const seed = Number(env.FUZZ_SEED) || Date.now() % 2 ** 31;

const PAGES = [
  '/login',
  '/signup',
  '/logout',
  '/account',
  '/account/applications',
  '/account/applications/new',
  '/account/authorizations',
  '/oauth/authorize/consent',
  '/oauth/logout/confirm',
  '/api/unicorns',
  '/assets/style.css',
  '/.well-known/oauth-authorization-server',
  '/.well-known/openid-configuration',
  '/.well-known/oauth-protected-resource',
  '/.well-known/oauth-protected-resource/api',
  '/',
  '/no-such-page',
];

async function seedDictionary(): Promise<FuzzDictionary> {
  const discovery = await (await send('/.well-known/openid-configuration')).json<Record<string, unknown>>();
  const endpoints = Object.values(discovery)
    .filter((value): value is string => typeof value === 'string' && value.startsWith(`${TEST_ISSUER}/`))
    .map((url) => new URL(url).pathname);
  const confidential = await createCodeClient();
  const machine = await createTestClient({ grantTypes: ['client_credentials', 'password'] });
  const { client: publicClient } = await createPublicCodeClient();
  const registered = await registerClientCredentialsClient();
  const { browser, user } = await signedInBrowser();
  const owned = await createTestClient({ ownerUserId: user.id, name: 'Fuzzed' });
  await storesFor(env.DB).consents.upsert({ userId: user.id, clientId: confidential.client.id, scopes: ['openid'] }, 1);
  await browser.get('/account');
  const csrfToken = browser.csrfToken();
  const accessToken = (
    await (
      await send('/oauth/token', {
        method: 'POST',
        headers: {
          Authorization: basicAuthorization(machine.client.id, machine.secret),
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      })
    ).json<{ access_token: string }>()
  ).access_token;
  const cookies = ['__Host-portcullis_session', '__Host-portcullis_csrf']
    .map((name) => `${name}=${browser.cookie(name)}`)
    .join('; ');

  const registrationPath = `/oauth/register/${registered.clientId}`;
  return {
    templates: [
      ...['authorization_code', 'refresh_token', 'client_credentials', 'password'].map(() => ({
        method: 'POST',
        path: '/oauth/token',
        encoding: 'form' as const,
        parameters: [
          'grant_type',
          'code',
          'redirect_uri',
          'code_verifier',
          'refresh_token',
          'scope',
          'resource',
          'username',
          'password',
          'client_id',
          'client_secret',
        ],
      })),
      {
        method: 'POST',
        path: '/oauth/revoke',
        encoding: 'form',
        parameters: ['token', 'token_type_hint', 'client_id', 'client_secret'],
      },
      {
        method: 'POST',
        path: '/oauth/introspect',
        encoding: 'form',
        parameters: ['token', 'token_type_hint', 'client_id'],
      },
      {
        method: 'GET',
        path: '/oauth/authorize',
        encoding: 'query',
        parameters: [
          'response_type',
          'client_id',
          'redirect_uri',
          'scope',
          'state',
          'nonce',
          'code_challenge',
          'code_challenge_method',
          'prompt',
          'max_age',
          'resource',
          'request',
          'response_mode',
        ],
      },
      {
        method: 'POST',
        path: '/oauth/authorize',
        encoding: 'form',
        parameters: [
          'response_type',
          'client_id',
          'redirect_uri',
          'scope',
          'state',
          'code_challenge',
          'code_challenge_method',
        ],
      },
      {
        method: 'POST',
        path: '/oauth/authorize/consent',
        encoding: 'form',
        parameters: ['csrf_token', 'authorization_request', 'decision'],
      },
      ...['POST', 'PUT'].map((method) => ({
        method,
        path: method === 'POST' ? '/oauth/register' : registrationPath,
        encoding: 'json' as const,
        parameters: [
          'client_id',
          'client_name',
          'redirect_uris',
          'grant_types',
          'response_types',
          'scope',
          'token_endpoint_auth_method',
          'post_logout_redirect_uris',
          'id_token_signed_response_alg',
          'contacts',
          'client_uri',
          'logo_uri',
          'allowed_origins',
        ],
      })),
      { method: 'GET', path: '/oauth/userinfo', encoding: 'query', parameters: ['access_token', 'scope'] },
      {
        method: 'GET',
        path: '/oauth/logout',
        encoding: 'query',
        parameters: ['id_token_hint', 'client_id', 'post_logout_redirect_uri', 'state', 'ui_locales'],
      },
      { method: 'POST', path: '/oauth/logout/confirm', encoding: 'form', parameters: ['csrf_token', 'logout_request'] },
      {
        method: 'POST',
        path: '/login',
        encoding: 'form',
        parameters: ['csrf_token', 'username', 'password', 'return_to'],
      },
      {
        method: 'POST',
        path: '/signup',
        encoding: 'form',
        parameters: ['csrf_token', 'username', 'password', 'email', 'return_to'],
      },
      { method: 'POST', path: '/signup', encoding: 'json', parameters: ['username', 'password', 'email'] },
      {
        method: 'POST',
        path: '/account/applications/new',
        encoding: 'form',
        parameters: [
          'csrf_token',
          'name',
          'type',
          'redirect_uris',
          'allowed_origins',
          'grant_type.client_credentials',
          'scope.read',
        ],
      },
      {
        method: 'POST',
        path: `/account/applications/${owned.client.id}`,
        encoding: 'form',
        parameters: ['csrf_token', 'name', 'type', 'redirect_uris'],
      },
      { method: 'POST', path: '/api/unicorns', encoding: 'json', parameters: ['name', 'color'] },
    ],
    paths: [
      ...new Set([
        ...endpoints,
        ...PAGES,
        registrationPath,
        `/account/applications/${owned.client.id}`,
        `/account/applications/${owned.client.id}/rotate-secret`,
        `/account/applications/${owned.client.id}/delete`,
        `/account/authorizations/${confidential.client.id}/revoke`,
        '/api/unicorns/1',
      ]),
    ],
    values: [
      confidential.client.id,
      confidential.secret,
      publicClient.id,
      machine.client.id,
      registered.clientId,
      registered.secret,
      registered.registrationAccessToken,
      accessToken,
      csrfToken,
      user.username,
      TEST_PASSWORD,
      REDIRECT_URI,
      'authorization_code',
      'refresh_token',
      'client_credentials',
      'password',
      'code',
      'S256',
      'openid profile email offline_access read',
      'allow',
      'deny',
      'none',
      'login consent',
      'access_token',
      JSON.stringify(['client_credentials']),
    ],
    authorizations: [
      basicAuthorization(confidential.client.id, confidential.secret),
      basicAuthorization(machine.client.id, machine.secret),
      basicAuthorization(publicClient.id, ''),
      basicAuthorization(confidential.client.id, 'wrong'),
      `Bearer ${accessToken}`,
      bearer(registered.registrationAccessToken).Authorization!,
    ],
    cookies: [cookies, `${cookies}; ${cookies}`],
  };
}

/** fast-check's report, with the counterexample cut short (its headers can be kilobytes long) and how to replay it. */
function reportShortly(details: fc.RunDetails<[FuzzRequest]>): void {
  if (!details.failed) return;
  const example = JSON.stringify(details.counterexample?.[0], (_, value) =>
    typeof value === 'string' && value.length > 300 ? `${value.slice(0, 300)}…(${value.length} chars)` : value,
  );
  throw new Error(
    `fuzz property failed after ${details.numRuns} runs; replay: npm run fuzz -- --seed ${details.seed} --runs ${runs}` +
      ` (fast-check path ${details.counterexamplePath})\nrequest: ${example}\n${String(details.errorInstance)}`,
  );
}

describe('the fuzzer: every endpoint and page under hostile input', () => {
  let dictionary: FuzzDictionary;

  beforeAll(async () => {
    dictionary = await seedDictionary();
  }, 60_000);

  it(
    `answers ${runs} generated requests without a 5xx, with RFC-shaped errors, leaving D1 as it was on rejection`,
    async () => {
      console.log(`fuzz seed ${seed}, ${runs} runs (replay: npm run fuzz -- --seed ${seed} --runs ${runs})`);
      await fc.assert(
        fc.asyncProperty(fuzzRequest(dictionary), async (request) => {
          const before = await snapshotRows(env.DB, BOOKKEEPING_TABLES);
          // Concatenated, not resolved: a path such as `//x` is a path here, never a host.
          const response = await send(`${TEST_ISSUER}${request.path}`, requestInit(request));
          const problems = await responseProblems(request.method, response);
          if (response.status >= 400) {
            const after = await snapshotRows(env.DB, BOOKKEEPING_TABLES);
            if (JSON.stringify(after) !== JSON.stringify(before))
              problems.push(`a rejected ${response.status} changed D1`);
          }
          if (problems.length > 0) throw new Error(`${response.status}: ${problems.join('; ')}`);
        }),
        { numRuns: runs, seed, endOnFailure: true, reporter: reportShortly },
      );
    },
    env.FUZZ_RUNS ? 24 * 3600 * 1000 : 120_000,
  );
});
