// POST /oauth/introspect (RFC 7662 §2): a confidential client asks whether a token is active and what it carries.
import { Hono } from 'hono';
import { introspectToken } from '../oauth/introspection';
import type { AppEnv } from './context';
import { clientAuth } from './middleware/client-auth';
import { noStore } from './middleware/no-store';
import { readTokenRequest } from './token-request';

export const introspectionEndpoint = new Hono<AppEnv>().post('/', noStore(), clientAuth(), async (c) => {
  return c.json(await introspectToken(readTokenRequest(c)));
});
