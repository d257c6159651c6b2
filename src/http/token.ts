// POST /oauth/token (RFC 6749 §3.2): check the grant type, authenticate the client, check the client may use
// the grant, check its DPoP proof (RFC 9449 §5), then let the grant issue.
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { dpopNonces, tokenRequestKey } from '../oauth/dpop';
import { OAuthError } from '../oauth/errors';
import { grantFor } from '../oauth/grants';
import { requireParam } from '../oauth/params';
import { clientAddress } from './client-address';
import { tokenIssuedEvent } from '../oauth/audit';
import { audit, auditorFor } from './audit';
import type { AppEnv } from './context';
import { readForm } from './form';
import { clientAuth } from './middleware/client-auth';
import { noStore } from './middleware/no-store';

const supportedGrantType = createMiddleware<AppEnv>(async function supportedGrantType(c, next) {
  const grantType = requireParam(await readForm(c), 'grant_type');
  const grant = grantFor(grantType);
  if (!grant) throw new OAuthError('unsupported_grant_type', `grant_type ${grantType} is not supported`);
  c.set('grant', { type: grantType, grant });
  await next();
});

export const tokenEndpoint = new Hono<AppEnv>().post('/', noStore(), supportedGrantType, clientAuth(), async (c) => {
  const params = c.get('params');
  const { type: grantType, grant } = c.get('grant');
  const client = c.get('client');
  if (
    !client.grantTypes.includes(grantType) ||
    (client.tokenEndpointAuthMethod === 'none' && !grant.allowsPublicClients)
  ) {
    throw new OAuthError('unauthorized_client', `this client may not use the ${grantType} grant`);
  }
  const issuer = c.get('issuer');
  const config = c.get('config');
  const stores = c.get('stores');
  const dpopJkt = await tokenRequestKey(
    { proof: c.req.header('dpop'), method: c.req.method, url: `${issuer}/oauth/token` },
    client,
    config,
    stores.dpopProofs,
  );
  const response = await grant.handle({
    params,
    client,
    issuer,
    config,
    keys: c.get('keys'),
    stores,
    clientIp: clientAddress(c),
    dpopJkt,
    audit: auditorFor(c),
  });
  if (config.auditTokenEvents) audit(c, tokenIssuedEvent(client.id, grantType, response.scope));
  // §8.2: with nonces on, every response names the current one, so a client never has to fail to learn it.
  const nonces = dpopNonces(config);
  if (nonces) c.header('DPoP-Nonce', await nonces.current());
  return c.json(response);
});
