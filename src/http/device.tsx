// GET/POST /device and POST /device/consent (RFC 8628 §3.3): the signed-in user enters the user code (prefilled from
// verification_uri_complete), sees who asks for what, and allows or denies. Every entry of a code counts against
// limits per address and per user, so guessing a live code is impractical (§5.1).
import { Hono, type Context } from 'hono';
import { scopeDescriptions } from '../oauth/scope-definitions';
import { parseConsentDecision } from '../oauth/consent';
import {
  decideDeviceAuthorization,
  pendingDeviceAuthorization,
  USER_CODE_ATTEMPTS,
} from '../oauth/device-authorization';
import { enforceRateLimit } from '../oauth/rate-limit';
import { COPY } from '../pages/copy';
import { DeviceCodePage, DeviceConsentPage, DeviceDonePage, USER_CODE_FIELD } from '../pages/device';
import type { ActiveSession } from '../storage/types';
import { clientAddress } from './client-address';
import type { AppEnv } from './context';
import { readForm } from './form';
import { csrfProtection, csrfToken } from './middleware/csrf';
import { htmlPage } from './middleware/html-page';
import { requireSession } from './middleware/require-session';
import { currentSession } from './middleware/session';

export const devicePages = new Hono<AppEnv>()
  .use(htmlPage(), csrfProtection(), requireSession('/device'))
  .get('/', async (c) => renderCodeEntry(c, c.req.query(USER_CODE_FIELD) ?? ''))
  .post('/', async (c) => {
    const { session, typed } = await countedEntry(c);
    const authorization = await pendingDeviceAuthorization(c.get('stores'), typed);
    if (!authorization) return renderCodeEntry(c, typed, COPY.device.invalidCode, 400);
    const client = await c.get('stores').clients.findById(authorization.clientId);
    if (!client) return renderCodeEntry(c, typed, COPY.device.invalidCode, 400);
    return c.html(
      <DeviceConsentPage
        csrfToken={await csrfToken(c)}
        clientName={client.name || client.id}
        username={session.user.username}
        userCode={typed}
        scopes={authorization.scopes}
        scopeDescriptions={scopeDescriptions(c.get('config').scopes)}
      />,
    );
  })
  .post('/consent', async (c) => {
    const { session, typed } = await countedEntry(c);
    const allow = parseConsentDecision((await readForm(c)).get('decision')) === 'allow';
    const decided = await decideDeviceAuthorization(
      c.get('stores'),
      typed,
      session.user,
      allow ? { allow: true, authTime: session.authTime, amr: session.amr } : { allow: false },
    );
    if (!decided) return renderCodeEntry(c, typed, COPY.device.invalidCode, 400);
    return c.html(<DeviceDonePage allowed={allow} />);
  });

/** The typed code of this post, after counting it per address and per user (429 with Retry-After past a limit). */
async function countedEntry(c: Context<AppEnv>): Promise<{ session: ActiveSession; typed: string }> {
  const session = await currentSession(c);
  if (!session) throw new Error('the /device routes run behind requireSession()');
  const { rateLimits } = c.get('stores');
  const address = clientAddress(c);
  await enforceRateLimit(rateLimits, `device-code:user:${session.user.id}`, USER_CODE_ATTEMPTS.perUser);
  if (address !== undefined) {
    await enforceRateLimit(rateLimits, `device-code:ip:${address}`, USER_CODE_ATTEMPTS.perAddress);
  }
  return { session, typed: (await readForm(c)).get(USER_CODE_FIELD) ?? '' };
}

async function renderCodeEntry(c: Context<AppEnv>, userCode: string, error?: string, status: 200 | 400 = 200) {
  return c.html(<DeviceCodePage csrfToken={await csrfToken(c)} userCode={userCode} error={error} />, status);
}
