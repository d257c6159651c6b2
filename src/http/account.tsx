// GET /account: the landing page after login, showing who is signed in and their recent sign-ins (audit events);
// without a session, the login page first.
import { Hono } from 'hono';
import { AccountPage } from '../pages/account';
import type { AppEnv } from './context';
import { csrfToken } from './middleware/csrf';
import { htmlPage } from './middleware/html-page';
import { currentSession } from './middleware/session';
import { loginUrl } from './return-to';

/** How many of the user's latest sign-ins the page lists. */
const RECENT_SIGN_INS = 10;

export const accountPage = new Hono<AppEnv>().get('/', htmlPage(), async (c) => {
  const session = await currentSession(c);
  if (!session) return c.redirect(loginUrl('/account'), 302);
  const signIns = await c.get('stores').auditEvents.list({
    userId: session.user.id,
    type: 'login',
    outcome: 'success',
    limit: RECENT_SIGN_INS,
  });
  return c.html(<AccountPage user={session.user} signIns={signIns} csrfToken={await csrfToken(c)} />);
});
