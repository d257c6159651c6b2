// POST /oauth/device_authorization (RFC 8628 §3.1): the client authenticates (public clients name themselves) and
// gets a device code for itself and a user code for its user (§3.2).
import { Hono } from 'hono';
import { startDeviceAuthorization } from '../oauth/device-authorization';
import type { AppEnv } from './context';
import { clientAuth } from './middleware/client-auth';
import { noStore } from './middleware/no-store';

export const deviceAuthorizationEndpoint = new Hono<AppEnv>().post('/', noStore(), clientAuth(), async (c) => {
  const context = { stores: c.get('stores'), config: c.get('config'), issuer: c.get('issuer') };
  return c.json(await startDeviceAuthorization(c.get('params'), c.get('client'), context));
});
