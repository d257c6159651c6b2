// Issues authorization codes (RFC 6749 §4.1.2): 256 random bits, stored only as a hash, short-lived (at most
// 60 s), single use, bound to the client, redirect URI, PKCE challenge, scope, resources, nonce, claims request,
// DPoP key, and when and how the user signed in.
import type { Config } from '../config';
import type { AuthorizationCode, CodeStore, ConsentGrant } from '../storage/types';
import { epochSeconds } from '../tokens/access-token';
import { generateOpaqueToken, hashOpaqueToken } from '../tokens/opaque';

/**
 * What the authorization endpoint binds a code to. The token request must repeat `redirectUri` exactly (§4.1.3);
 * `codeChallenge` is an S256 challenge already checked with assertCodeChallenge, or null when the client sent none.
 */
export type AuthorizationCodeBinding = Pick<
  AuthorizationCode,
  | 'clientId'
  | 'userId'
  | 'redirectUri'
  | 'scopes'
  | 'resources'
  | 'codeChallenge'
  | 'nonce'
  | 'claims'
  | 'dpopJkt'
  | 'authTime'
  | 'amr'
>;

/** Grant ids tie together the tokens of one authorization, so they can be revoked together. */
export const GRANT_ID_BYTES = 16;

/**
 * Stores a new code and returns it; the caller puts it in the redirect and never keeps it. `consent`, the consent the
 * user just gave, is recorded in the same transaction as the code.
 */
export async function issueAuthorizationCode(
  stores: { codes: CodeStore },
  config: Pick<Config, 'authorizationCodeTtlSeconds'>,
  binding: AuthorizationCodeBinding,
  nowSeconds = epochSeconds(),
  consent?: ConsentGrant,
): Promise<string> {
  const code = generateOpaqueToken();
  await stores.codes.create(
    {
      ...binding,
      codeHash: await hashOpaqueToken(code),
      grantId: generateOpaqueToken(GRANT_ID_BYTES),
      codeChallengeMethod: binding.codeChallenge === null ? null : 'S256',
      createdAt: nowSeconds,
      expiresAt: nowSeconds + config.authorizationCodeTtlSeconds,
      consumedAt: null,
    },
    consent,
  );
  return code;
}
