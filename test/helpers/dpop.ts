// DPoP proofs for the issuer's tests (RFC 9449 §4.2): the package's proof signer, aimed at this issuer's endpoints.
import { expectOAuthError } from './authorization';
import { TEST_ISSUER } from './constants';
import { signProof, type ProofInput, type ProofKey } from '../../packages/verify/test/dpop-proof';

export { createProofKey, signProof, type ProofKey } from '../../packages/verify/test/dpop-proof';

export const TOKEN_ENDPOINT = `${TEST_ISSUER}/oauth/token`;
export const USERINFO_ENDPOINT = `${TEST_ISSUER}/oauth/userinfo`;

/** A proof for a token request; `input` overrides any part of it. */
export function tokenProof(key: ProofKey, input: Partial<ProofInput> = {}): Promise<string> {
  return signProof(key, { htm: 'POST', htu: TOKEN_ENDPOINT, ...input });
}

/** RFC 9449 §5.0: a bound refresh token is refused without a proof and with a proof of another key. */
export async function expectBoundRefreshRefused(
  refresh: (headers: Record<string, string>) => Promise<Response>,
  otherKey: ProofKey,
): Promise<void> {
  await expectOAuthError(
    await refresh({}),
    400,
    'invalid_grant',
    'the refresh token is DPoP-bound: send a DPoP proof of its key',
  );
  await expectOAuthError(
    await refresh({ DPoP: await tokenProof(otherKey) }),
    400,
    'invalid_grant',
    'the refresh token is bound to another DPoP key',
  );
}
