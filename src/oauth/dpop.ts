// DPoP at the issuer (RFC 9449): the proof of a token request (§5), which clients must send one (§5.2
// `dpop_bound_access_tokens`, and public clients when configured), and the key a code or refresh token is bound to
// (§10, §5.0). Proof checks are @portcullis/verify's; replay is refused across isolates by the D1 store.
import type { Config } from '../config';
import type { Client } from '../storage/types';
import {
  createDPoPNonces,
  verifyDPoPProof,
  VerifyError,
  type DPoPNonceSource,
  type DPoPReplayStore,
} from '@portcullis/verify';
import { OAuthError } from './errors';

export interface TokenRequestProof {
  /** The `DPoP` header, if any. */
  proof: string | undefined;
  method: string;
  /** The token endpoint's URL as this issuer publishes it (the proof's `htu`). */
  url: string;
}

// One nonce source per secret, built on first use: a finished value shared by the requests of this isolate.
const noncesBySecret = new Map<string, DPoPNonceSource>();

/** The server nonces of this configuration (§8), or undefined when nonces are off. */
export function dpopNonces(config: Config): DPoPNonceSource | undefined {
  const secret = config.dpop.nonceSecret;
  if (secret === undefined) return undefined;
  let nonces = noncesBySecret.get(secret);
  if (!nonces) {
    nonces = createDPoPNonces(secret);
    noncesBySecret.set(secret, nonces);
  }
  return nonces;
}

/** Whether this client's token requests must carry a proof. */
export function clientRequiresDPoP(client: Client, config: Config): boolean {
  return (
    client.metadata.dpop_bound_access_tokens === true ||
    (config.dpop.requiredForPublicClients && client.tokenEndpointAuthMethod === 'none')
  );
}

/**
 * Checks the DPoP proof of a token request and returns its key's thumbprint, or undefined for a request without a
 * proof from a client that may go without. Throws invalid_dpop_proof, or use_dpop_nonce with a `DPoP-Nonce` (§8).
 */
export async function tokenRequestKey(
  request: TokenRequestProof,
  client: Client,
  config: Config,
  replayStore: DPoPReplayStore,
): Promise<string | undefined> {
  if (request.proof === undefined) {
    if (clientRequiresDPoP(client, config))
      throw new OAuthError('invalid_dpop_proof', 'this client must send a DPoP proof with its token requests');
    return undefined;
  }
  try {
    const { jkt } = await verifyDPoPProof(
      { proof: request.proof, method: request.method, url: request.url },
      { algorithms: config.dpop.algorithms, replayStore, nonces: dpopNonces(config) },
    );
    return jkt;
  } catch (error) {
    if (!(error instanceof VerifyError)) throw error;
    if (error.code === 'ERR_DPOP_NONCE_REQUIRED')
      throw new OAuthError('use_dpop_nonce', error.message, { headers: { 'DPoP-Nonce': error.dpopNonce ?? '' } });
    throw new OAuthError('invalid_dpop_proof', error.message, { cause: error });
  }
}

/** §10 and §5.0: a code or refresh token bound to a key is usable only with a proof of that key. */
export function requireBoundKey(boundJkt: string | null | undefined, presentedJkt: string | undefined, what: string) {
  if (boundJkt === null || boundJkt === undefined) return;
  if (presentedJkt === undefined)
    throw new OAuthError('invalid_grant', `the ${what} is DPoP-bound: send a DPoP proof of its key`);
  if (presentedJkt !== boundJkt) throw new OAuthError('invalid_grant', `the ${what} is bound to another DPoP key`);
}
