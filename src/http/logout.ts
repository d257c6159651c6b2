// POST /logout: ends the browser session (CSRF-protected like every form) and returns to the login page.
// OpenID Connect RP-initiated logout is /oauth/logout, for relying parties.
import { Hono } from 'hono';
import type { AppEnv } from './context';
import { csrfProtection } from './middleware/csrf';
import { htmlPage } from './middleware/html-page';
import { endSession } from './middleware/session';

export const logoutEndpoint = new Hono<AppEnv>().post('/', htmlPage(), csrfProtection(), async (c) => {
  await endSession(c);
  return c.redirect('/login', 303);
});
