// POST /oauth/introspect (RFC 7662 §2): a confidential client asks whether a token is active and what it carries.
import { Hono } from 'hono';
import { introspectToken } from '../oauth/introspection';
import { requireParam } from '../oauth/params';
import type { AppEnv } from './context';
import { clientAuth } from './middleware/client-auth';
import { noStore } from './middleware/no-store';

export const introspectionEndpoint = new Hono<AppEnv>().post('/', noStore(), clientAuth(), async (c) => {
  const response = await introspectToken({
    token: requireParam(c.get('params'), 'token'),
    client: c.get('client'),
    issuer: c.get('issuer'),
    config: c.get('config'),
    keys: c.get('keys'),
    stores: c.get('stores'),
  });
  return c.json(response);
});
