// A user withdrawing an application's access (issue 4, /account/authorizations): the remembered consent goes, so the
// next authorization request asks again, and the refresh tokens of the user's grants to that client are revoked.
import type { Stores } from '../storage/stores';

/**
 * Tokens first: should the second write fail, the consent is still listed and revoking again finishes the job.
 * Access tokens are self-contained JWTs and stay valid until they expire (ACCESS_TOKEN_TTL_SECONDS).
 */
export async function revokeAuthorization(stores: Pick<Stores, 'refreshTokens' | 'consents'>, userId: string, clientId: string, nowSeconds: number): Promise<void> {
  await stores.refreshTokens.revokeByUserAndClient(userId, clientId, nowSeconds);
  await stores.consents.delete(userId, clientId);
}
