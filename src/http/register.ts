// POST /oauth/register (RFC 7591 §3) and GET/PUT/DELETE /oauth/register/:clientId (RFC 7592 §2): read the JSON
// body and the bearer token, rate-limit registration per client address, call oauth/registration.ts, answer with no-store.
import { Hono, type Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { OAuthError } from '../oauth/errors';
import { enforceRateLimit } from '../oauth/rate-limit';
import {
  assertRegistrationOpen,
  authorizeClientManagement,
  deleteClientRegistration,
  identifyRegistrant,
  readClientRegistration,
  registerClient,
  updateClientRegistration,
  type ManagedClient,
  type RegistrationContext,
} from '../oauth/registration';
import { clientAddress } from './client-address';
import { audit } from './audit';
import type { AppEnv } from './context';
import { readJsonBody } from './json';
import { failureCounter } from './middleware/client-auth';
import { noStore } from './middleware/no-store';

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** Refusals of POST /oauth/register by policy, initial access token, cap or rate limit become audit events. */
const auditRefusals = createMiddleware<AppEnv>(async function auditRefusals(c, next) {
  await next();
  // app.onError has rendered the refusal by now; the error it rendered stays on the context.
  if (c.error instanceof OAuthError && REFUSAL_CODES.has(c.error.code)) {
    audit(c, {
      type: 'registration_refused',
      outcome: 'failure',
      details: { reason: c.error.code, description: c.error.description },
    });
  }
});
const REFUSAL_CODES = new Set(['access_denied', 'invalid_token', 'temporarily_unavailable']);

export const registrationEndpoints = new Hono<AppEnv>()
  .use(noStore())
  .post('/', auditRefusals, async (c) => {
    const config = c.get('config');
    assertRegistrationOpen(config);
    // Requests without an address (local runs only, http/client-address.ts) share one count.
    const address = clientAddress(c) ?? 'unknown';
    await enforceRateLimit(c.get('stores').rateLimits, `register:ip:${address}`, config.registrationRateLimit);
    const registrant = await identifyRegistrant(config, bearerToken(c), address);
    const metadata = await readJsonBody(c);
    const registered = await registerClient(metadata, registrant, registrationContext(c));
    audit(c, { type: 'client_created', clientId: String(registered.client_id), details: { via: 'registration' } });
    return c.json(registered, 201);
  })
  .get('/:clientId', async (c) => c.json(readClientRegistration(await managedClient(c), c.get('issuer'))))
  .put('/:clientId', async (c) => {
    const managed = await managedClient(c);
    const metadata = await readJsonBody(c);
    const updated = await updateClientRegistration(managed, metadata, registrationContext(c));
    audit(c, { type: 'client_updated', clientId: managed.client.id, details: { via: 'registration_management' } });
    return c.json(updated);
  })
  .delete('/:clientId', async (c) => {
    const managed = await managedClient(c);
    await deleteClientRegistration(managed, c.get('stores').clients);
    audit(c, { type: 'client_deleted', clientId: managed.client.id, details: { via: 'registration_management' } });
    return c.body(null, 204);
  });

function managedClient(c: Context<AppEnv>): Promise<ManagedClient> {
  const clientId = c.req.param('clientId') ?? '';
  return authorizeClientManagement(clientId, bearerToken(c), c.get('stores').clients, failureCounter(c));
}

function registrationContext(c: Context<AppEnv>): RegistrationContext {
  return {
    config: c.get('config'),
    issuer: c.get('issuer'),
    clients: c.get('stores').clients,
    idTokenSigningAlgorithms: c.get('keys').algorithms,
    secretBox: c.get('secretBox'),
  };
}

function bearerToken(c: Context<AppEnv>): string | undefined {
  return BEARER.exec(c.req.header('authorization') ?? '')?.[1];
}
