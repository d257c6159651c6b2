// Local accounts of upstream identities (docs/accounts.md "Upstream identity providers"): the first sign-in with an
// upstream account creates a user linked to (issuer, sub); later ones sign that user in. An upstream email never
// joins an existing account, verified or not: linking is done by a user signed in to both, from /account/security.
import type { UpstreamAccount } from '../oauth/upstream/relying-party';
import type { UpstreamProvider } from '../oauth/upstream/providers';
import type { Stores } from '../storage/stores';
import { NO_PROFILE, type UpstreamIdentity, type User } from '../storage/types';
import { hasPassword, NO_PASSWORD_HASH } from './password-hash';
import { upstreamUsernameBase, usernameWithSuffix } from './username';

/** Attempts at a free username (the base, then random suffixes) before the sign-in gives up. */
const USERNAME_ATTEMPTS = 5;

export type UpstreamSignIn =
  | { outcome: 'signed-in'; user: User; created: boolean }
  | { outcome: 'disabled'; user: User }
  | { outcome: 'no-username' };

/** The local user of an upstream account, created (with no password) on its first sign-in. */
export async function signInUpstreamAccount(
  stores: Pick<Stores, 'users' | 'upstreamIdentities'>,
  provider: UpstreamProvider,
  account: UpstreamAccount,
  nowSeconds: number,
): Promise<UpstreamSignIn> {
  const base = upstreamUsernameBase(account.preferredUsername, account.email, provider.id);
  for (let attempt = 0; attempt < USERNAME_ATTEMPTS; attempt++) {
    const linked = await linkedUser(stores, account);
    if (linked) return linked.disabled ? { outcome: 'disabled', user: linked } : signedIn(linked, false);
    const user = newUpstreamUser(attempt === 0 ? base : usernameWithSuffix(base), nowSeconds);
    // False when the name is taken, or a concurrent first sign-in linked the account: the loop looks again.
    if (await stores.upstreamIdentities.createWithUser(user, identityOf(provider, account, user.id, nowSeconds))) {
      return signedIn(user, true);
    }
  }
  return { outcome: 'no-username' };
}

export type UpstreamLink = 'linked' | 'already-linked' | 'linked-to-another-account' | 'provider-already-linked';

/** Links an upstream account to a signed-in user who has just signed in to it too. */
export async function linkUpstreamAccount(
  stores: Pick<Stores, 'upstreamIdentities'>,
  user: User,
  provider: UpstreamProvider,
  account: UpstreamAccount,
  nowSeconds: number,
): Promise<UpstreamLink> {
  const existing = await stores.upstreamIdentities.find(account.issuer, account.subject);
  if (existing) return existing.userId === user.id ? 'already-linked' : 'linked-to-another-account';
  const identities = await stores.upstreamIdentities.listByUser(user.id);
  // One upstream account per provider and user: the security page shows, and unlinks, a provider as one entry.
  if (identities.some((identity) => identity.providerId === provider.id)) return 'provider-already-linked';
  const created = await stores.upstreamIdentities.create(identityOf(provider, account, user.id, nowSeconds));
  return created ? 'linked' : 'linked-to-another-account';
}

export type UpstreamUnlink = 'unlinked' | 'not-linked' | 'last-sign-in-method';

/** Unlinks a provider, unless it is the account's only way to sign in: no password, passkey or other provider. */
export async function unlinkUpstreamProvider(
  stores: Pick<Stores, 'upstreamIdentities' | 'passkeys'>,
  user: User,
  providerId: string,
): Promise<UpstreamUnlink> {
  const identities = await stores.upstreamIdentities.listByUser(user.id);
  if (!identities.some((identity) => identity.providerId === providerId)) return 'not-linked';
  if (!(await hasSignInBesidesProviders(stores, user)) && identities.length === 1) return 'last-sign-in-method';
  return (await stores.upstreamIdentities.delete(user.id, providerId)) ? 'unlinked' : 'not-linked';
}

/** Whether the account can sign in without any upstream provider: a password or a passkey. */
export async function hasSignInBesidesProviders(stores: Pick<Stores, 'passkeys'>, user: User): Promise<boolean> {
  return hasPassword(user) || (await stores.passkeys.listByUser(user.id)).length > 0;
}

async function linkedUser(
  stores: Pick<Stores, 'users' | 'upstreamIdentities'>,
  account: UpstreamAccount,
): Promise<User | null> {
  const identity = await stores.upstreamIdentities.find(account.issuer, account.subject);
  return identity ? stores.users.findById(identity.userId) : null;
}

function signedIn(user: User, created: boolean): UpstreamSignIn {
  return { outcome: 'signed-in', user, created };
}

// The upstream's email is not copied: an address this issuer never confirmed would appear, unverified, beside the
// ones users confirm here (and email_verified must stay this issuer's statement).
function newUpstreamUser(username: string, nowSeconds: number): User {
  return {
    id: crypto.randomUUID(),
    username,
    email: null,
    emailVerified: false,
    passwordHash: NO_PASSWORD_HASH,
    isAdmin: false,
    disabled: false,
    ...NO_PROFILE,
    createdAt: nowSeconds,
    updatedAt: nowSeconds,
  };
}

function identityOf(
  provider: UpstreamProvider,
  account: UpstreamAccount,
  userId: string,
  nowSeconds: number,
): UpstreamIdentity {
  return {
    id: crypto.randomUUID(),
    userId,
    providerId: provider.id,
    issuer: account.issuer,
    subject: account.subject,
    createdAt: nowSeconds,
  };
}
