// GET /account: the landing page after login, showing who is signed in; without a session, the login page first.
import { Hono } from 'hono';
import { AccountPage } from '../pages/account';
import type { AppEnv } from './context';
import { csrfToken } from './middleware/csrf';
import { htmlPage } from './middleware/html-page';
import { currentSession } from './middleware/session';
import { loginUrl } from './return-to';

export const accountPage = new Hono<AppEnv>().get('/', htmlPage(), async (c) => {
  const session = await currentSession(c);
  if (!session) return c.redirect(loginUrl('/account'), 302);
  return c.html(<AccountPage user={session.user} csrfToken={await csrfToken(c)} />);
});
