// /email/verify: the page a mailed confirmation link opens (GET shows the address, changing nothing, so link
// scanners cannot use it up), and the POST that confirms it (accounts/email-verification.ts).
import { Hono, type Context } from 'hono';
import { findEmailToken } from '../accounts/email-links';
import { verifyEmail } from '../accounts/email-verification';
import { COPY } from '../pages/copy';
import { EmailVerificationPage } from '../pages/email-verification';
import { EmailNoticePage } from '../pages/password-reset';
import { epochSeconds } from '../tokens/access-token';
import { audit } from './audit';
import type { AppEnv } from './context';
import { readForm } from './form';
import { csrfProtection, csrfToken } from './middleware/csrf';
import { htmlPage } from './middleware/html-page';

const text = COPY.email;
const TO_ACCOUNT = { href: '/account', label: text.toAccount };

export const emailVerificationPages = new Hono<AppEnv>()
  .use(htmlPage(), csrfProtection())
  .get('/', async (c) => {
    const token = c.req.query('token');
    const link = await findEmailToken(c.get('stores').emailTokens, token, 'verify_email', epochSeconds());
    if (!link || token === undefined) return renderLinkInvalid(c);
    return c.html(<EmailVerificationPage csrfToken={await csrfToken(c)} token={token} email={link.email} />);
  })
  .post('/', async (c) => {
    const verified = await verifyEmail(c.get('stores'), (await readForm(c)).get('token'), epochSeconds());
    if (!verified) return renderLinkInvalid(c);
    audit(c, { type: 'email_verified', userId: verified.userId });
    const message = text.verified(verified.email);
    return c.html(<EmailNoticePage title={text.verifiedTitle} message={message} link={TO_ACCOUNT} />);
  });

function renderLinkInvalid(c: Context<AppEnv>) {
  return c.html(<EmailNoticePage title={text.linkInvalidTitle} message={text.linkInvalid} link={TO_ACCOUNT} />, 400);
}
