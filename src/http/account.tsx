// GET /account: the landing page after login, showing who is signed in, their recent sign-ins (audit events) and the
// profile they share with applications (OIDC Core §5.1), which POST /account/profile saves; without a session, the
// login page first.
import { Hono, type Context } from 'hono';
import { PROFILE_FIELDS, parseProfile } from '../accounts/profile';
import { AccountPage, type AccountPageProps } from '../pages/account';
import { epochSeconds } from '../tokens/access-token';
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
      signIns: await recentSignIns(c, user.id),
      csrfToken: await csrfToken(c),
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
        signIns: await recentSignIns(c, user.id),
        csrfToken: await csrfToken(c),
      };
      return c.html(<AccountPage {...props} />, 400);
    }
    await c.get('stores').users.updateProfile(user.id, result.profile, epochSeconds());
    return c.redirect(`${ACCOUNT_PATH}?saved=1`, 303);
  });

/** How many of the user's latest sign-ins the page lists. */
const RECENT_SIGN_INS = 10;

function recentSignIns(c: Context<AppEnv>, userId: string) {
  return c.get('stores').auditEvents.list({ userId, type: 'login', outcome: 'success', limit: RECENT_SIGN_INS });
}
