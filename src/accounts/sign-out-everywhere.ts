// Ending every sign-in of a user at once: their browser sessions and the refresh tokens of every grant they gave.
// Used by "sign out everywhere" on the security page, and by anything that must assume the account was taken over.
import type { Stores } from '../storage/stores';

/** Deletes the user's sessions and revokes their refresh tokens; access tokens already issued run out on their own. */
export async function signOutEverywhere(
  stores: Pick<Stores, 'sessions' | 'refreshTokens'>,
  userId: string,
  nowSeconds: number,
): Promise<void> {
  await stores.sessions.deleteByUser(userId);
  await stores.refreshTokens.revokeByUser(userId, nowSeconds);
}
