// /password-reset: "Forgot your password?". The request form answers the same page, status and work whether or not
// the address belongs to an account (the lookup always runs, the mail goes out after the response); the mailed link
// opens /password-reset/new, whose form sets a new password and ends every session (accounts/password-reset.ts).
import { Hono, type Context } from 'hono';
import { passwordResetUser, resetPassword } from '../accounts/password-reset';
import { rateLimitExceeded } from '../oauth/rate-limit';
import { COPY } from '../pages/copy';
import { EmailNoticePage, PasswordResetFormPage, PasswordResetRequestPage } from '../pages/password-reset';
import { epochSeconds } from '../tokens/access-token';
import {
  PASSWORD_RESET_PATH,
  RESET_ACCOUNTS_PER_ADDRESS,
  reserveMailQuota,
  sendPasswordResetLinks,
} from './account-mail';
import { audit } from './audit';
import type { AppEnv } from './context';
import { readForm } from './form';
import { csrfProtection, csrfToken } from './middleware/csrf';
import { htmlPage } from './middleware/html-page';
import { endSession } from './middleware/session';

const text = COPY.email;

export const passwordResetPages = new Hono<AppEnv>()
  .use(htmlPage(), csrfProtection())
  .get('/', async (c) => c.html(<PasswordResetRequestPage csrfToken={await csrfToken(c)} />))
  .post('/', async (c) => {
    const email = (await readForm(c)).get('email')?.trim() ?? '';
    if (email === '') {
      return c.html(<PasswordResetRequestPage csrfToken={await csrfToken(c)} error={text.addressMissing} />, 400);
    }
    // Counted and looked up for every address; only the sending, after the response, depends on the answer.
    const quota = await reserveMailQuota(c, email);
    if (quota.outcome === 'address-limited') throw rateLimitExceeded(quota.retryAfterSeconds);
    const users = await c.get('stores').userEmails.findByVerifiedEmail(email, RESET_ACCOUNTS_PER_ADDRESS);
    if (quota.outcome === 'ok') {
      sendPasswordResetLinks(c, users);
      for (const user of users) audit(c, { type: 'password_reset_requested', userId: user.id });
    }
    return c.html(
      <EmailNoticePage title={text.sentTitle} message={text.sent} link={{ href: '/login', label: text.signIn }} />,
    );
  })
  .get('/new', async (c) => {
    const token = c.req.query('token');
    const user = await passwordResetUser(c.get('stores'), token, epochSeconds());
    if (!user || token === undefined) return renderLinkInvalid(c);
    return c.html(<PasswordResetFormPage csrfToken={await csrfToken(c)} token={token} username={user.username} />);
  })
  .post('/new', async (c) => {
    const params = await readForm(c);
    const token = params.get('token');
    const result = await resetPassword(c.get('stores'), token, params.get('password') ?? '', epochSeconds());
    if ('problem' in result) {
      if (!('username' in result) || token === undefined) return renderLinkInvalid(c);
      const props = { token, username: result.username, error: COPY.signup.problems[result.problem] };
      return c.html(<PasswordResetFormPage csrfToken={await csrfToken(c)} {...props} />, 400);
    }
    // Every session of the user, this browser's included, ended with the reset; the cookie goes too.
    await endSession(c);
    audit(c, { type: 'password_reset', userId: result.user.id });
    return c.html(
      <EmailNoticePage
        title={text.resetDoneTitle}
        message={text.resetDone}
        link={{ href: '/login', label: text.signIn }}
      />,
    );
  });

function renderLinkInvalid(c: Context<AppEnv>) {
  return c.html(
    <EmailNoticePage
      title={text.linkInvalidTitle}
      message={text.linkInvalid}
      link={{ href: PASSWORD_RESET_PATH, label: text.newResetLink }}
    />,
    400,
  );
}
