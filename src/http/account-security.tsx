// /account/security: the account's sign-in methods, recent sign-ins (audit events) and "sign out everywhere", which
// ends every session of the user and revokes their refresh tokens, then sends the browser to the login page.
import { Hono, type Context } from 'hono';
import { signOutEverywhere } from '../accounts/sign-out-everywhere';
import { SECURITY_PATH, SecurityPage } from '../pages/account-security';
import { epochSeconds } from '../tokens/access-token';
import { upstreamSecuritySection } from './account-upstream';
import { passkeysSection } from './account-passkeys';
import { twoFactorSection } from './account-two-factor';
import { audit } from './audit';
import type { AppEnv } from './context';
import { csrfProtection, csrfToken } from './middleware/csrf';
import { htmlPage } from './middleware/html-page';
import { requireSession, sessionUser } from './middleware/require-session';
import { endSession } from './middleware/session';

/** How many of the user's latest sign-ins the page lists. */
const RECENT_SIGN_INS = 10;

export const securityPages = new Hono<AppEnv>()
  .use(htmlPage(), csrfProtection(), requireSession(SECURITY_PATH))
  .get('/', async (c) => {
    const user = await sessionUser(c);
    return c.html(
      <SecurityPage
        methods={[
          await passkeysSection(c, user),
          await twoFactorSection(c, user),
          await upstreamSecuritySection(c, user),
        ]}
        signIns={await recentSignIns(c, user.id)}
        csrfToken={await csrfToken(c)}
      />,
    );
  })
  .post('/sign-out-everywhere', async (c) => {
    const user = await sessionUser(c);
    await signOutEverywhere(c.get('stores'), user.id, epochSeconds());
    // This browser's session row is gone already; the cookie goes too.
    await endSession(c);
    audit(c, { type: 'signed_out_everywhere', userId: user.id });
    return c.redirect('/login', 303);
  });

function recentSignIns(c: Context<AppEnv>, userId: string) {
  return c.get('stores').auditEvents.list({ userId, type: 'login', outcome: 'success', limit: RECENT_SIGN_INS });
}
