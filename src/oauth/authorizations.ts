// A user withdrawing an application's access (issue 4, /account/authorizations): the remembered consent goes, so the
// next authorization request asks again; the user's unredeemed codes for that client and its refresh tokens go too.
import type { Stores } from '../storage/stores';

/**
 * Codes first, so none can still become a refresh token, then tokens, then the consent: should a later write fail,
 * the consent is still listed and revoking again finishes the job. Access tokens are self-contained JWTs and stay
 * valid until they expire (ACCESS_TOKEN_TTL_SECONDS).
 */
export async function revokeAuthorization(
  stores: Pick<Stores, 'codes' | 'refreshTokens' | 'consents'>,
  userId: string,
  clientId: string,
  nowSeconds: number,
): Promise<void> {
  await stores.codes.deleteUnredeemed(userId, clientId);
  await stores.refreshTokens.revokeByUserAndClient(userId, clientId, nowSeconds);
  await stores.consents.delete(userId, clientId);
}
