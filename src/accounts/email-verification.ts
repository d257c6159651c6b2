// A user's email address: changing it (which makes it unverified and voids the links mailed to the old one) and
// verifying it with the mailed link, which counts only while the address is still the one the link was sent to.
import type { Stores } from '../storage/stores';
import type { EmailToken, User } from '../storage/types';
import { parseEmailAddress, sameEmailAddress } from './email-address';
import { consumeEmailToken } from './email-links';

type EmailStores = Pick<Stores, 'emailTokens' | 'userEmails'>;

export type EmailChange =
  | { outcome: 'changed'; email: string | null }
  | { outcome: 'unchanged'; email: string | null }
  | { outcome: 'invalid' };

/** Saves the address typed on /account; the same address (in any case) changes nothing. */
export async function changeEmail(
  stores: EmailStores,
  user: Pick<User, 'id' | 'email'>,
  input: string | undefined,
  nowSeconds: number,
): Promise<EmailChange> {
  const email = parseEmailAddress(input);
  if (email === 'invalid') return { outcome: 'invalid' };
  if (email === user.email || sameEmailAddress(email, user.email)) return { outcome: 'unchanged', email: user.email };
  await stores.userEmails.updateEmail(user.id, email, nowSeconds);
  // Links to the old address must not verify the new one or reset the password through the old one.
  await stores.emailTokens.deleteByUser(user.id, 'verify_email');
  await stores.emailTokens.deleteByUser(user.id, 'reset_password');
  return { outcome: 'changed', email };
}

/** Uses up a confirmation link: whose address it confirmed, or null when the link or the address no longer holds. */
export async function verifyEmail(
  stores: EmailStores,
  token: string | undefined,
  nowSeconds: number,
): Promise<Pick<EmailToken, 'userId' | 'email'> | null> {
  const link = await consumeEmailToken(stores.emailTokens, token, 'verify_email', nowSeconds);
  if (!link) return null;
  return (await stores.userEmails.markEmailVerified(link.userId, link.email, nowSeconds)) ? link : null;
}
