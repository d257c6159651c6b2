// /account/security/upstream: a signed-in user links an upstream OpenID provider (a sign-in there, whose callback
// ends in finishUpstreamLink) or unlinks one; and the page's linked-providers section (pages/security-upstream.tsx).
import { Hono, type Context } from 'hono';
import { hasSignInBesidesProviders, linkUpstreamAccount, unlinkUpstreamProvider } from '../accounts/upstream-accounts';
import { OAuthError } from '../oauth/errors';
import type { UpstreamProvider } from '../oauth/upstream/providers';
import type { UpstreamAccount } from '../oauth/upstream/relying-party';
import { SECURITY_PATH } from '../pages/account-security';
import { SecurityUpstream } from '../pages/security-upstream';
import type { User } from '../storage/types';
import { epochSeconds } from '../tokens/access-token';
import { audit } from './audit';
import type { AppEnv } from './context';
import { csrfProtection, csrfToken } from './middleware/csrf';
import { allowFormActionTo, htmlPage } from './middleware/html-page';
import { requireSession, sessionUser } from './middleware/require-session';
import { currentSession } from './middleware/session';
import { redirectToUpstream, upstreamProvider } from './upstream-sign-in';

export const upstreamAccountPages = new Hono<AppEnv>()
  .use(htmlPage(), csrfProtection(), requireSession(SECURITY_PATH))
  .post('/:provider/link', async (c) => {
    const user = await sessionUser(c);
    return redirectToUpstream(c, upstreamProvider(c), { returnTo: SECURITY_PATH, linkUserId: user.id });
  })
  .post('/:provider/unlink', async (c) => {
    const user = await sessionUser(c);
    const provider = upstreamProvider(c);
    const outcome = await unlinkUpstreamProvider(c.get('stores'), user, provider.id);
    if (outcome === 'last-sign-in-method') {
      throw new OAuthError(
        'invalid_request',
        `${provider.name} is the only way to sign in to this account; add a passkey or link another provider first`,
        { status: 409 },
      );
    }
    if (outcome === 'unlinked')
      audit(c, { type: 'upstream_unlinked', userId: user.id, details: { provider: provider.id } });
    return c.redirect(SECURITY_PATH, 303);
  });

/**
 * The callback of a link: the browser must still be signed in as the user who started it, and the upstream account
 * must be linked to no other user (linking is by signing in to both, never by a matching email).
 */
export async function finishUpstreamLink(
  c: Context<AppEnv>,
  provider: UpstreamProvider,
  account: UpstreamAccount,
  linkUserId: string,
): Promise<Response> {
  const session = await currentSession(c);
  if (session?.user.id !== linkUserId) {
    throw new OAuthError(
      'access_denied',
      `sign in to the account you were linking ${provider.name} to, then link again`,
    );
  }
  const outcome = await linkUpstreamAccount(c.get('stores'), session.user, provider, account, epochSeconds());
  if (outcome === 'linked-to-another-account') {
    throw new OAuthError('invalid_request', `that ${provider.name} account is linked to another account already`, {
      status: 409,
    });
  }
  if (outcome === 'provider-already-linked') {
    throw new OAuthError(
      'invalid_request',
      `another ${provider.name} account is linked to this account; unlink it first`,
      {
        status: 409,
      },
    );
  }
  if (outcome === 'linked') {
    audit(c, { type: 'upstream_linked', userId: session.user.id, details: { provider: provider.id } });
  }
  return c.redirect(SECURITY_PATH, 303);
}

/** The security page's linked-providers section; null when no provider is configured. */
export async function upstreamSecuritySection(c: Context<AppEnv>, user: User) {
  const providers = c.get('config').upstreamProviders;
  if (providers.length === 0) return null;
  const identities = await c.get('stores').upstreamIdentities.listByUser(user.id);
  // The link buttons post here and are redirected to the upstream: CSP form-action must allow its origin.
  for (const provider of providers) {
    const origin = await c.get('upstream').authorizationOrigin(provider);
    if (origin) allowFormActionTo(c, origin);
  }
  const otherWayIn = await hasSignInBesidesProviders(c.get('stores'), user);
  const linked = providers.map((provider) => {
    const identity = identities.find((candidate) => candidate.providerId === provider.id);
    return {
      id: provider.id,
      name: provider.name,
      linkedAt: identity?.createdAt ?? null,
      canUnlink: otherWayIn || identities.length > 1,
    };
  });
  return <SecurityUpstream providers={linked} csrfToken={await csrfToken(c)} />;
}
