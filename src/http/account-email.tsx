// POST /account/email (change or remove the address; a new one is unverified and gets a confirmation link) and
// POST /account/email/verification (the link again). Both answer with a redirect to /account and a notice.
import { Hono, type Context } from 'hono';
import { changeEmail } from '../accounts/email-verification';
import { rateLimitExceeded } from '../oauth/rate-limit';
import { AccountPage } from '../pages/account';
import { COPY } from '../pages/copy';
import type { User } from '../storage/types';
import { epochSeconds } from '../tokens/access-token';
import { mailVerificationLink } from './account-mail';
import { audit } from './audit';
import type { AppEnv } from './context';
import { readForm } from './form';
import { csrfProtection, csrfToken } from './middleware/csrf';
import { htmlPage } from './middleware/html-page';
import { requireSession, sessionUser } from './middleware/require-session';

const ACCOUNT_PATH = '/account';

/** The notices /account shows after these posts, by the `email` query parameter of the redirect. */
const EMAIL_NOTICES = {
  sent: (user: Pick<User, 'email'>) => COPY.email.linkSent(user.email ?? ''),
  removed: () => COPY.email.removed,
  limited: () => COPY.email.mailLimited,
} as const;

type EmailNotice = keyof typeof EMAIL_NOTICES;

/** The notice for the `email` query parameter of /account, if it names one. */
export function emailNoticeFor(code: string | undefined, user: Pick<User, 'email'>): string | undefined {
  return code !== undefined && Object.hasOwn(EMAIL_NOTICES, code)
    ? EMAIL_NOTICES[code as EmailNotice](user)
    : undefined;
}

export const accountEmailRoutes = new Hono<AppEnv>()
  .use(htmlPage(), csrfProtection(), requireSession(ACCOUNT_PATH))
  .post('/', async (c) => {
    const user = await sessionUser(c);
    const change = await changeEmail(c.get('stores'), user, (await readForm(c)).get('email'), epochSeconds());
    if (change.outcome === 'invalid') {
      const page = (
        <AccountPage user={user} profile={user} csrfToken={await csrfToken(c)} email={{ error: COPY.email.invalid }} />
      );
      return c.html(page, 400);
    }
    if (change.outcome === 'changed') audit(c, { type: 'email_changed', userId: user.id });
    if (change.email === null) return backToAccount(c, change.outcome === 'changed' ? 'removed' : undefined);
    if (change.outcome === 'unchanged' && user.emailVerified) return backToAccount(c);
    return mailLinkAndReturn(c, user, change.email);
  })
  .post('/verification', async (c) => {
    const user = await sessionUser(c);
    if (user.email === null || user.emailVerified) return backToAccount(c);
    return mailLinkAndReturn(c, user, user.email);
  });

async function mailLinkAndReturn(c: Context<AppEnv>, user: User, email: string) {
  const quota = await mailVerificationLink(c, user, email);
  if (quota.outcome === 'address-limited') throw rateLimitExceeded(quota.retryAfterSeconds);
  return backToAccount(c, quota.outcome === 'ok' ? 'sent' : 'limited');
}

function backToAccount(c: Context<AppEnv>, notice?: EmailNotice) {
  return c.redirect(notice ? `${ACCOUNT_PATH}?email=${notice}` : ACCOUNT_PATH, 303);
}
