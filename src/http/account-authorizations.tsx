// /account/authorizations: the applications a signed-in user has granted access to (their consents), and revoking
// one, which forgets the consent and revokes the refresh tokens of the user's grants to that client (issue 4).
import { Hono } from 'hono';
import { revokeAuthorization } from '../oauth/authorizations';
import { AUTHORIZATIONS_PATH, AuthorizationsPage } from '../pages/authorizations';
import { epochSeconds } from '../tokens/access-token';
import { audit } from './audit';
import type { AppEnv } from './context';
import { csrfProtection, csrfToken } from './middleware/csrf';
import { htmlPage } from './middleware/html-page';
import { requireSession, sessionUser } from './middleware/require-session';

export const authorizationPages = new Hono<AppEnv>()
  .use(htmlPage(), requireSession(AUTHORIZATIONS_PATH), csrfProtection())
  .get('/', async (c) => {
    const user = await sessionUser(c);
    const grants = await c.get('stores').consents.listByUser(user.id);
    return c.html(<AuthorizationsPage grants={grants} csrfToken={await csrfToken(c)} />);
  })
  .post('/:clientId/revoke', async (c) => {
    const user = await sessionUser(c);
    // Idempotent, and scoped to this user: revoking what is not (or no longer) granted changes nothing.
    await revokeAuthorization(c.get('stores'), user.id, c.req.param('clientId') ?? '', epochSeconds());
    audit(c, { type: 'consent_revoked', userId: user.id, clientId: c.req.param('clientId') ?? null });
    return c.redirect(AUTHORIZATIONS_PATH, 303);
  });
