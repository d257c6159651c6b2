// GET /upstream/:provider starts a sign-in at an upstream OpenID provider (the login page's "Continue with ..."
// links); GET /upstream/:provider/callback is its redirect URI: the attempt is checked (oauth/upstream/), then the
// upstream account's local user is signed in (accounts/upstream-accounts.ts), or, for a link, linked.
import { Hono, type Context } from 'hono';
import { signInUpstreamAccount } from '../accounts/upstream-accounts';
import { UPSTREAM_AMR } from '../oauth/authentication-context';
import { OAuthError } from '../oauth/errors';
import type { UpstreamProvider } from '../oauth/upstream/providers';
import type { UpstreamAccount } from '../oauth/upstream/relying-party';
import { epochSeconds } from '../tokens/access-token';
import { finishUpstreamLink } from './account-upstream';
import { audit } from './audit';
import type { AppEnv } from './context';
import { htmlPage } from './middleware/html-page';
import { startSession } from './middleware/session';
import { safeReturnTo } from './return-to';
import { redirectToUpstream, takePendingSignIn, upstreamProvider, upstreamRedirectUri } from './upstream-sign-in';

export const upstreamLoginEndpoint = new Hono<AppEnv>()
  .use(htmlPage())
  .get('/:provider', (c) =>
    redirectToUpstream(c, upstreamProvider(c), { returnTo: safeReturnTo(c.req.query('return_to')), linkUserId: null }),
  )
  .get('/:provider/callback', async (c) => {
    const provider = upstreamProvider(c);
    try {
      const { values, pending } = await takePendingSignIn(c, provider);
      const callback = new URL(c.req.url).searchParams;
      const account = await c.get('upstream').complete(provider, upstreamRedirectUri(c, provider), values, callback);
      if (pending.linkUserId !== null) return await finishUpstreamLink(c, provider, account, pending.linkUserId);
      return await finishSignIn(c, provider, account, pending.returnTo);
    } catch (error) {
      if (error instanceof OAuthError) {
        audit(c, {
          type: 'login',
          outcome: 'failure',
          details: { method: 'upstream', provider: provider.id, reason: error.code },
        });
      }
      throw error;
    }
  });

async function finishSignIn(
  c: Context<AppEnv>,
  provider: UpstreamProvider,
  account: UpstreamAccount,
  returnTo: string,
): Promise<Response> {
  const signIn = await signInUpstreamAccount(c.get('stores'), provider, account, epochSeconds());
  if (signIn.outcome === 'disabled') throw new OAuthError('access_denied', 'this account is disabled');
  if (signIn.outcome === 'no-username') {
    throw new OAuthError('temporarily_unavailable', 'no free username could be chosen for the new account; try again');
  }
  await startSession(c, signIn.user, UPSTREAM_AMR);
  audit(c, {
    type: 'login',
    userId: signIn.user.id,
    details: {
      method: 'upstream',
      provider: provider.id,
      created: signIn.created,
      upstream_amr: account.amr ?? null,
    },
  });
  return c.redirect(safeReturnTo(returnTo), 303);
}
