// Authenticates the client of a token, revocation or introspection request through the registry in
// oauth/client-auth/, from the Authorization header and the form.
import type { Context, MiddlewareHandler } from 'hono';
import type { FailureCounter } from '../../oauth/authentication-failures';
import { authenticateClient, type ClientAuthContext, type ClientAuthRequest } from '../../oauth/client-auth';
import { clientAddress } from '../client-address';
import type { AppEnv } from '../context';
import { readForm } from '../form';

export function clientAuth(): MiddlewareHandler<AppEnv> {
  return async function clientAuthMiddleware(c, next) {
    const request = clientAuthRequest(c, await readForm(c));
    c.set('client', await authenticateClient(request, clientAuthContext(c)));
    await next();
  };
}

export function clientAuthContext(c: Context<AppEnv>): ClientAuthContext {
  const { clients, assertionJtis } = c.get('stores');
  return {
    clients,
    failures: failureCounter(c),
    issuer: c.get('issuer'),
    assertionJtis,
    clientKeys: c.get('clientKeys'),
    secretBox: c.get('secretBox'),
  };
}

/** Failed-authentication counting for this request's address (oauth/authentication-failures.ts). */
export function failureCounter(c: Context<AppEnv>): FailureCounter {
  return {
    store: c.get('stores').rateLimits,
    limit: c.get('config').clientAuthFailureLimit,
    clientAddress: clientAddress(c),
  };
}

export function clientAuthRequest(c: Context<AppEnv>, params: ClientAuthRequest['params']): ClientAuthRequest {
  return { authorization: c.req.header('authorization'), params };
}
