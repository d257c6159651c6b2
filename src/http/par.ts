// POST /oauth/par (RFC 9126 §2): the client authenticates and pushes its authorization request (or a request object,
// RFC 9101); it is validated as /oauth/authorize would, and answered with a request_uri for the browser (201).
import { Hono } from 'hono';
import { pushAuthorizationRequest } from '../oauth/pushed-authorization';
import type { AppEnv } from './context';
import { clientAuth } from './middleware/client-auth';
import { noStore } from './middleware/no-store';

export const pushedAuthorizationEndpoint = new Hono<AppEnv>().post('/', noStore(), clientAuth(), async (c) => {
  const context = {
    stores: c.get('stores'),
    config: c.get('config'),
    issuer: c.get('issuer'),
    clientKeys: c.get('clientKeys'),
  };
  return c.json(await pushAuthorizationRequest(c.get('params'), c.get('client'), context), 201);
});
