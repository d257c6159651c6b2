// The input of the endpoints where an authenticated client names a token: revocation (RFC 7009 §2.1) and
// introspection (RFC 7662 §2.1), read from the context once client-auth has parsed the form and the client.
import type { Context } from 'hono';
import { requireParam } from '../oauth/params';
import type { TokenRequest } from '../oauth/revocation';
import type { AppEnv } from './context';

export function readTokenRequest(c: Context<AppEnv>): TokenRequest {
  return {
    token: requireParam(c.get('params'), 'token'),
    client: c.get('client'),
    issuer: c.get('issuer'),
    config: c.get('config'),
    keys: c.get('keys'),
    stores: c.get('stores'),
  };
}
