// Authenticates the client of a token, revocation or introspection request through the registry in
// oauth/client-auth/, from the Authorization header and the form.
import type { Context, MiddlewareHandler } from 'hono';
import { authenticateClient, type ClientAuthRequest } from '../../oauth/client-auth';
import type { AppEnv } from '../context';
import { readForm } from '../form';

export function clientAuth(): MiddlewareHandler<AppEnv> {
  return async function clientAuthMiddleware(c, next) {
    const request = clientAuthRequest(c, await readForm(c));
    c.set('client', await authenticateClient(request, { clients: c.get('stores').clients }));
    await next();
  };
}

export function clientAuthRequest(c: Context<AppEnv>, params: ClientAuthRequest['params']): ClientAuthRequest {
  return { authorization: c.req.header('authorization'), params };
}
