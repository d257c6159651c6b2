// POST /oauth/revoke (RFC 7009 §2): the client authenticates, names a token, and gets an empty 200 whether or not
// there was anything to revoke (§2.2).
import { Hono } from 'hono';
import { revokeToken } from '../oauth/revocation';
import type { AppEnv } from './context';
import { clientAuth } from './middleware/client-auth';
import { noStore } from './middleware/no-store';
import { readTokenRequest } from './token-request';

export const revocationEndpoint = new Hono<AppEnv>().post('/', noStore(), clientAuth(), async (c) => {
  await revokeToken(readTokenRequest(c));
  return c.body(null, 200);
});
