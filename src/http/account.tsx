// GET /account: the landing page after login, showing who is signed in and the profile they share with applications
// (OIDC Core §5.1), which POST /account/profile saves; without a session, the login page first.
import { Hono } from 'hono';
import { PROFILE_FIELDS, parseProfile } from '../accounts/profile';
import { AccountPage, type AccountPageProps } from '../pages/account';
import { epochSeconds } from '../tokens/access-token';
import { emailNoticeFor } from './account-email';
import type { AppEnv } from './context';
import { readForm } from './form';
import { csrfProtection, csrfToken } from './middleware/csrf';
import { htmlPage } from './middleware/html-page';
import { requireSession, sessionUser } from './middleware/require-session';

const ACCOUNT_PATH = '/account';

// Middleware per route, not .use(): this app is mounted at /account, and .use() would reach /account/applications too.
const accountRoute = [htmlPage(), requireSession(ACCOUNT_PATH), csrfProtection()] as const;

export const accountPage = new Hono<AppEnv>()
  .get('/', ...accountRoute, async (c) => {
    const user = await sessionUser(c);
    const saved = c.req.query('saved') === '1';
    const props = {
      user,
      profile: user,
      saved,
      csrfToken: await csrfToken(c),
      email: { notice: emailNoticeFor(c.req.query('email'), user) },
    };
    return c.html(<AccountPage {...props} />);
  })
  .post('/profile', ...accountRoute, async (c) => {
    const user = await sessionUser(c);
    const form = await readForm(c);
    const submitted = Object.fromEntries(PROFILE_FIELDS.map((field) => [field, form.get(field)]));
    const result = parseProfile(submitted);
    if ('problem' in result) {
      const props: AccountPageProps = {
        user,
        profile: submitted,
        problem: result.problem,
        csrfToken: await csrfToken(c),
      };
      return c.html(<AccountPage {...props} />, 400);
    }
    await c.get('stores').users.updateProfile(user.id, result.profile, epochSeconds());
    return c.redirect(`${ACCOUNT_PATH}?saved=1`, 303);
  });
