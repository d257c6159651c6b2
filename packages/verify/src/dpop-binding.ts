// Sender-constrained access tokens at a resource server (RFC 9449 §7): which scheme a request used, and for
// `Authorization: DPoP` the proof that its sender holds the key the token is bound to (`cnf.jkt`, §6.1).
import type { AccessTokenClaims } from './claims.js';
import { DPOP_ALGORITHMS, verifyDPoPProof, type DPoPProofOptions } from './dpop.js';
import { createMemoryReplayStore, type DPoPReplayStore } from './dpop-replay.js';
import { VerifyError } from './errors.js';

export interface DPoPOptions extends Partial<DPoPProofOptions> {
  /** Refuse Bearer tokens: only DPoP-bound tokens with their proof are accepted. Default false. */
  required?: boolean;
}

/** What a verifier's challenges say about DPoP (RFC 9449 §7.1 `algs`). */
export interface DPoPSettings {
  readonly algorithms: readonly string[];
  readonly required: boolean;
}

export interface PresentedToken {
  scheme: 'Bearer' | 'DPoP';
  token: string;
}

// RFC 6750 §2.1 and RFC 9449 §7.1: credentials = scheme 1*SP token68
const CREDENTIALS = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The token of a request and its scheme (Bearer or DPoP); no header, or an unknown scheme, means no token (RFC 6750 §3.1). */
export function presentedTokenOf(request: Request): PresentedToken {
  const authorization = request.headers.get('authorization') ?? '';
  const scheme = /^(Bearer|DPoP)(\s|$)/i.exec(authorization)?.[1]?.toLowerCase();
  if (scheme === undefined) throw new VerifyError('ERR_TOKEN_MISSING', 'an access token is required');
  const token = CREDENTIALS.exec(authorization)?.[2];
  if (token === undefined)
    throw new VerifyError('ERR_REQUEST_MALFORMED', 'the Authorization header is not a valid credential');
  return { scheme: scheme === 'dpop' ? 'DPoP' : 'Bearer', token };
}

/** The key thumbprint a token is bound to (RFC 9449 §6.1 `cnf.jkt`), if any. */
export function boundKeyOf(claims: AccessTokenClaims): string | undefined {
  const cnf = claims.cnf;
  if (typeof cnf !== 'object' || cnf === null) return undefined;
  const jkt = (cnf as Record<string, unknown>).jkt;
  return typeof jkt === 'string' ? jkt : undefined;
}

/** §7.2: a bound token used as a bearer token is a stolen token, or a client that forgot its proof. */
export function refuseBoundBearer(claims: AccessTokenClaims): void {
  if (boundKeyOf(claims) !== undefined)
    throw new VerifyError('ERR_DPOP_BOUND_TOKEN', 'the access token is DPoP-bound: present it with a DPoP proof');
}

export interface DPoPBinding {
  readonly settings: DPoPSettings;
  /** Checks that the verified token may be used the way this request presents it; throws VerifyError if not. */
  check(
    request: Request,
    presented: PresentedToken,
    claims: AccessTokenClaims,
    replayStore?: DPoPReplayStore,
  ): Promise<void>;
}

export function createDPoPBinding(options: DPoPOptions): DPoPBinding {
  const settings: DPoPSettings = Object.freeze({
    algorithms: Object.freeze([...(options.algorithms ?? DPOP_ALGORITHMS)]),
    required: options.required ?? false,
  });
  const defaultReplayStore = options.replayStore ?? createMemoryReplayStore();
  return {
    settings,
    async check(request, presented, claims, replayStore = defaultReplayStore) {
      if (presented.scheme === 'Bearer') {
        refuseBoundBearer(claims);
        if (settings.required) throw new VerifyError('ERR_DPOP_REQUIRED', 'this resource requires a DPoP-bound token');
        return;
      }
      const jkt = boundKeyOf(claims);
      if (jkt === undefined)
        throw new VerifyError('ERR_CLAIM_MISSING', 'the access token is not DPoP-bound (no cnf.jkt)', { claim: 'cnf' });
      const proof = request.headers.get('dpop');
      if (proof === null)
        throw new VerifyError('ERR_DPOP_PROOF_INVALID', 'a DPoP proof is required', { claim: 'dpop' });
      await verifyDPoPProof(
        { proof, method: request.method, url: request.url, accessToken: presented.token, expectedJkt: jkt },
        { ...options, algorithms: settings.algorithms, replayStore },
      );
    },
  };
}
