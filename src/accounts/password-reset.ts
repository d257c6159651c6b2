// Password reset by a mailed link (accounts/email-links.ts): the new password meets the sign-up policy, the link is
// used up, and, since a reset is what someone who took the account over would also do, every session and refresh
// token of the user ends (sign-out-everywhere.ts) along with every other reset link still outstanding.
import type { Stores } from '../storage/stores';
import type { User } from '../storage/types';
import { consumeEmailToken, findEmailToken } from './email-links';
import { hashPassword } from './password-hash';
import { passwordProblem, type PasswordProblem } from './password-policy';
import { signOutEverywhere } from './sign-out-everywhere';

type ResetStores = Pick<Stores, 'emailTokens' | 'users' | 'sessions' | 'refreshTokens'>;

/** The user a reset link is for, while it can be used; null for an unknown, used or expired link. */
export async function passwordResetUser(stores: ResetStores, token: string | undefined, nowSeconds: number) {
  const link = await findEmailToken(stores.emailTokens, token, 'reset_password', nowSeconds);
  const user = link ? await stores.users.findById(link.userId) : null;
  return user && !user.disabled ? user : null;
}

export async function resetPassword(
  stores: ResetStores,
  token: string | undefined,
  newPassword: string,
  nowSeconds: number,
): Promise<{ user: User } | { problem: 'link_invalid' } | { problem: PasswordProblem; username: string }> {
  const user = await passwordResetUser(stores, token, nowSeconds);
  if (!user) return { problem: 'link_invalid' };
  // Checked before the link is used up, so a refused password leaves it working for a second try.
  const problem = passwordProblem(newPassword, user.username);
  if (problem !== null) return { problem, username: user.username };
  if (!(await consumeEmailToken(stores.emailTokens, token, 'reset_password', nowSeconds))) {
    return { problem: 'link_invalid' };
  }
  await stores.users.updatePasswordHash(user.id, await hashPassword(newPassword), nowSeconds);
  await stores.emailTokens.deleteByUser(user.id, 'reset_password');
  await signOutEverywhere(stores, user.id, nowSeconds);
  return { user };
}
