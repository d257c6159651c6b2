// Authenticates the client of a token, revocation or introspection request through the registry in
// oauth/client-auth/, from the Authorization header and the form.
import type { Context, MiddlewareHandler } from 'hono';
import { addressBlock } from '../../accounts/login-throttle';
import type { FailureCounter } from '../../oauth/authentication-failures';
import { authenticateClient, type ClientAuthContext, type ClientAuthRequest } from '../../oauth/client-auth';
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
    clientAddress: limitAddress(c),
  };
}

/**
 * The unit limits count this request's caller by: CF-Connecting-IP (set by Cloudflare's edge; passed through as the
 * client sent it under local `wrangler dev`), an IPv6 address by its /64; undefined without one.
 * TODO(issue 8, defect 10): becomes the one client-address function (http/client-address.ts) once it lands.
 */
export function limitAddress(c: Context<AppEnv>): string | undefined {
  const header = c.req.header('cf-connecting-ip');
  return header ? addressBlock(header) : undefined;
}

export function clientAuthRequest(c: Context<AppEnv>, params: ClientAuthRequest['params']): ClientAuthRequest {
  return { authorization: c.req.header('authorization'), params };
}
