// Two Workers in workerd: the issuer (this repository's Worker, as deployed) and examples/resource-service, bundled
// from its own package.json with the packed @portcullis/verify. The service fetches the issuer's JWKS once, over its
// AUTH service binding (or by URL), and then verifies locally: a hundred requests make no issuer call; a rotated-in
// key verifies after exactly one refetch; a burst of unknown kids does not hammer the issuer; tokens of another
// issuer, for another audience, or ID Tokens are refused (RFC 9068 §4). The bindings are Node functions that count
// each call and forward it to the issuer's workerd, which runs on its own so it can restart with rotated keys.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { Miniflare, Request as MiniflareRequest } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProofKey, signProof, type ProofKey } from '../../packages/verify/test/dpop-proof';
import { generateSigningKeySet } from '../../src/tokens/generate-key';
import {
  bundleWorker,
  compatibilityDateOf,
  migrate,
  miniflareOptions,
  startWorkers,
  type WorkerOptions,
} from './workers';

const ISSUER = 'https://issuer.test';
const SERVICE = 'https://resource-service.test';
const REGISTRATION_TOKEN = 'two-worker-test-registration-token';
const SERVICE_CONFIG = 'examples/resource-service/wrangler.toml';

let directory: string;
let issuer: Miniflare;
let issuerWorker: (signingKeys: { keys: JWK[] }) => WorkerOptions;
let signingKeys: { keys: JWK[] };
let services: Miniflare;
let client: { id: string; secret: string };
/** The paths each service instance asked the issuer for, in order. */
const issuerCalls: Record<'binding' | 'url' | 'rotating' | 'cold', string[]> = {
  binding: [],
  url: [],
  rotating: [],
  cold: [],
};

function forwardToIssuer(calls: string[]) {
  return async (request: MiniflareRequest) => {
    calls.push(new URL(request.url).pathname);
    return issuer.dispatchFetch(request.url, { method: request.method, headers: request.headers });
  };
}

async function issuerJson(path: string, init: RequestInit): Promise<Record<string, unknown>> {
  const response = await issuer.dispatchFetch(`${ISSUER}${path}`, init as never);
  const body = (await response.json()) as Record<string, unknown>;
  expect(response.ok, JSON.stringify(body)).toBe(true);
  return body;
}

function register(metadata: Record<string, unknown>): Promise<Record<string, unknown>> {
  return issuerJson('/oauth/register', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${REGISTRATION_TOKEN}` },
    body: JSON.stringify(metadata),
  });
}

function tokenRequest(form: Record<string, string>, credentials = client): Promise<Record<string, unknown>> {
  return issuerJson('/oauth/token', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `Basic ${btoa(`${credentials.id}:${credentials.secret}`)}`,
    },
    body: new URLSearchParams(form).toString(),
  });
}

/** An access token for the resource service from the issuer's token endpoint (RFC 8707 `resource`). */
async function serviceToken(scope = 'read'): Promise<string> {
  return (await tokenRequest({ grant_type: 'client_credentials', scope, resource: SERVICE })).access_token as string;
}

function callService(instance: keyof typeof issuerCalls, token?: string, path = '/hello'): Promise<Response> {
  return services
    .getWorker(instance)
    .then((worker) =>
      worker.fetch(`${SERVICE}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} }),
    ) as unknown as Promise<Response>;
}

async function expectRefused(response: Response, description: string): Promise<void> {
  expect(response.status).toBe(401);
  expect(await response.json()).toEqual({ error: 'invalid_token', error_description: description });
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'portcullis-two-workers-'));
  const [issuerScript, serviceScript] = await Promise.all([
    bundleWorker('wrangler.toml', join(directory, 'issuer')),
    bundleWorker(SERVICE_CONFIG, join(directory, 'service')),
  ]);
  signingKeys = await generateSigningKeySet(['ES256', 'RS256']);
  issuerWorker = (keys) => ({
    name: 'portcullis',
    scriptPath: issuerScript,
    compatibilityDate: compatibilityDateOf('wrangler.toml'),
    bindings: {
      ISSUER,
      SIGNING_KEYS: JSON.stringify(keys),
      REGISTRATION_POLICY: 'token',
      REGISTRATION_TOKEN,
      RESOURCES: SERVICE,
    },
    d1Databases: { DB: 'portcullis-two-workers' },
  });
  issuer = await startWorkers([issuerWorker(signingKeys)], join(directory, 'state'));
  await migrate(issuer, 'portcullis');
  const registered = await register({
    client_name: 'Two-worker test service client',
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'read write',
  });
  client = { id: registered.client_id as string, secret: registered.client_secret as string };

  const service = (name: keyof typeof issuerCalls, vars: Record<string, string>): WorkerOptions => ({
    name,
    scriptPath: serviceScript,
    compatibilityDate: compatibilityDateOf(SERVICE_CONFIG),
    bindings: { ISSUER_URL: ISSUER, RESOURCE: SERVICE, JWKS_URL: '', JWKS_COOLDOWN_SECONDS: '30', ...vars },
    serviceBindings: { AUTH: forwardToIssuer(issuerCalls[name]) },
    // A service configured with JWKS_URL fetches it over the network; here that is counted and forwarded too.
    outboundService: forwardToIssuer(issuerCalls[name]),
  });
  services = await startWorkers([
    service('binding', {}),
    service('url', { JWKS_URL: `${ISSUER}/.well-known/jwks.json` }),
    // An elapsed cooldown, as when a rotation comes minutes after the last fetch (workerd's clock cannot be moved).
    service('rotating', { JWKS_COOLDOWN_SECONDS: '0' }),
    // Has fetched nothing yet when the burst of unknown kids arrives.
    service('cold', {}),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([services?.dispose(), issuer?.dispose()]);
  if (directory) await rm(directory, { recursive: true, force: true });
});

describe('examples/resource-service with the issuer, two Workers in workerd', () => {
  it('fetches the JWKS once over the service binding, then serves a hundred requests without calling the issuer', async () => {
    const tokens = await Promise.all(Array.from({ length: 101 }, () => serviceToken()));
    const first = await callService('binding', tokens[0]);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ hello: client.id, client_id: client.id, scope: 'read' });
    expect(issuerCalls.binding).toEqual(['/.well-known/jwks.json']);
    const statuses = [];
    for (const token of tokens.slice(1)) statuses.push((await callService('binding', token)).status);
    expect(statuses).toEqual(Array(100).fill(200));
    expect(issuerCalls.binding).toEqual(['/.well-known/jwks.json']);
  });

  it('fetches the JWKS by URL when JWKS_URL is set, once', async () => {
    for (let i = 0; i < 3; i++) expect((await callService('url', await serviceToken())).status).toBe(200);
    expect(issuerCalls.url).toEqual(['/.well-known/jwks.json']);
  });

  it('serves its RFC 9728 metadata and names it in its challenges (§3.1, §5.1)', async () => {
    const metadata = await callService('binding', undefined, '/.well-known/oauth-protected-resource');
    expect(metadata.status).toBe(200);
    expect(await metadata.json()).toEqual({
      resource: SERVICE,
      authorization_servers: [ISSUER],
      bearer_methods_supported: ['header'],
      scopes_supported: ['read', 'write'],
      dpop_signing_alg_values_supported: ['ES256', 'EdDSA', 'Ed25519', 'RS256', 'PS256'],
      dpop_bound_access_tokens_required: false,
    });
    const challenge = await callService('binding');
    expect(challenge.status).toBe(401);
    const attributes = `realm="${SERVICE}", resource_metadata="${SERVICE}/.well-known/oauth-protected-resource"`;
    expect(challenge.headers.get('www-authenticate')).toBe(
      `Bearer ${attributes}, DPoP ${attributes}, algs="ES256 EdDSA Ed25519 RS256 PS256"`,
    );
  });

  it('refuses a token of another issuer, one for another audience and an ID Token (RFC 9068 §4)', async () => {
    const calls = issuerCalls.binding.length;
    // Signed with the issuer's own key, so only the iss check can refuse it.
    const [signingJwk] = signingKeys.keys;
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({ client_id: client.id, scope: 'read', jti: 'forged' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: await calculateJwkThumbprint(signingJwk!) })
      .setIssuer('https://other-issuer.test')
      .setSubject(client.id)
      .setAudience(SERVICE)
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(await importJWK(signingJwk!, 'ES256'));
    await expectRefused(await callService('binding', forged), 'the access token was issued by another issuer');

    // No `resource`: the token is for the issuer's default audience, the sample API.
    const forTheSampleApi = (await tokenRequest({ grant_type: 'client_credentials', scope: 'read' }))
      .access_token as string;
    await expectRefused(
      await callService('binding', forTheSampleApi),
      'the access token is not meant for this resource',
    );

    const idToken = await anIdToken();
    await expectRefused(await callService('binding', idToken), 'the access token is not of type at+jwt');
    expect(issuerCalls.binding.length).toBe(calls);
  });

  it('answers a burst of tokens with unknown kids without hammering the issuer, warm or cold', async () => {
    const calls = issuerCalls.binding.length;
    const strangers = await Promise.all(Array.from({ length: 25 }, () => tokenWithUnknownKey()));
    const responses = await Promise.all(strangers.map((token) => callService('binding', token)));
    for (const response of responses) await expectRefused(response, 'the access token is signed with an unknown key');
    expect(issuerCalls.binding.length - calls).toBeLessThanOrEqual(1);

    // The same burst at a service that has no keys yet: its concurrent requests share one fetch (jose does not share
    // a pending fetch between requests on Workers; the verifier coalesces them), and the cooldown stops any refetch.
    const coldResponses = await Promise.all(strangers.map((token) => callService('cold', token)));
    for (const response of coldResponses) {
      await expectRefused(response, 'the access token is signed with an unknown key');
    }
    expect(issuerCalls.cold).toEqual(['/.well-known/jwks.json']);
    expect((await callService('cold', await serviceToken())).status).toBe(200);
    expect(issuerCalls.cold).toEqual(['/.well-known/jwks.json']);
  });

  it('accepts a DPoP-bound token with its proof, and refuses it copied as Bearer or under another key (RFC 9449 §7)', async () => {
    const [key, thiefKey] = await Promise.all([createProofKey(), createProofKey()]);
    const issued = await issuerJson('/oauth/token', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${btoa(`${client.id}:${client.secret}`)}`,
        DPoP: await signProof(key, { htm: 'POST', htu: `${ISSUER}/oauth/token` }),
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read', resource: SERVICE }).toString(),
    });
    expect(issued.token_type).toBe('DPoP');
    const token = issued.access_token as string;
    const call = async (authorization: string, proofKey?: ProofKey) => {
      const worker = await services.getWorker('binding');
      const proof =
        proofKey && (await signProof(proofKey, { htm: 'GET', htu: `${SERVICE}/hello`, accessToken: token }));
      return worker.fetch(`${SERVICE}/hello`, {
        headers: { Authorization: authorization, ...(proof ? { DPoP: proof } : {}) },
      }) as unknown as Promise<Response>;
    };
    const accepted = await call(`DPoP ${token}`, key);
    expect(accepted.status, await accepted.clone().text()).toBe(200);
    await expectRefused(await call(`Bearer ${token}`), 'the access token is DPoP-bound: present it with a DPoP proof');
    const stolen = await call(`DPoP ${token}`, thiefKey);
    expect(stolen.status).toBe(401);
    expect(await stolen.json()).toEqual({
      error: 'invalid_dpop_proof',
      error_description: 'the DPoP proof is signed by another key than the one bound',
    });
  });

  it('verifies a token of a key rotated in at the issuer after exactly one refetch', async () => {
    const before = await serviceToken();
    expect((await callService('rotating', before)).status).toBe(200);
    expect(issuerCalls.rotating).toEqual(['/.well-known/jwks.json']);

    // The README's rotation: a new key first, the old ones after it; the issuer restarts with the new secret.
    const rotated = { keys: [...(await generateSigningKeySet(['ES256'])).keys, ...signingKeys.keys] };
    await issuer.setOptions(miniflareOptions([issuerWorker(rotated)], join(directory, 'state')));
    const after = await serviceToken();
    expect(JSON.parse(atob(after.split('.')[0]!)).kid).toBe(await calculateJwkThumbprint(rotated.keys[0]!));

    expect((await callService('rotating', after)).status).toBe(200);
    expect(issuerCalls.rotating).toEqual(['/.well-known/jwks.json', '/.well-known/jwks.json']);
    // Both keys are now known: neither token costs another call.
    for (const token of [after, before, after]) expect((await callService('rotating', token)).status).toBe(200);
    expect(issuerCalls.rotating).toHaveLength(2);
  });
});

/** An ID Token from the issuer: the password grant of a first-party client, with `openid`. */
async function anIdToken(): Promise<string> {
  const firstParty = await register({
    client_name: 'Two-worker test first-party app',
    grant_types: ['password'],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'openid read',
  });
  const username = `rs_${crypto.randomUUID().slice(0, 8)}`;
  const password = `pw-${crypto.randomUUID()}`;
  await issuerJson('/signup', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const tokens = await tokenRequest(
    { grant_type: 'password', username, password, scope: 'openid read', resource: SERVICE },
    { id: firstParty.client_id as string, secret: firstParty.client_secret as string },
  );
  return tokens.id_token as string;
}

async function tokenWithUnknownKey(): Promise<string> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ client_id: client.id, scope: 'read', jti: kid })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
    .setIssuer(ISSUER)
    .setSubject(client.id)
    .setAudience(SERVICE)
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(privateKey);
}
