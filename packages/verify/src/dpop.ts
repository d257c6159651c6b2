// DPoP proof validation (RFC 9449 §4.3): every check a server makes on a `DPoP` header, for the issuer's token
// endpoint and for resource servers alike (§7.1 adds `ath` and the key binding). Uses jose only.
import {
  base64url,
  calculateJwkThumbprint,
  decodeProtectedHeader,
  EmbeddedJWK,
  errors,
  jwtVerify,
  type JWK,
} from 'jose';
import { VerifyError } from './errors.js';
import type { DPoPReplayStore } from './dpop-replay.js';

/**
 * The asymmetric algorithms accepted for proofs by default (RFC 9449 §4.3 step 5; never `none` or HMAC). Ed25519 is
 * the fully-specified name of EdDSA with that curve (RFC 9864), which oauth4webapi and openid-client sign with.
 */
export const DPOP_ALGORITHMS = ['ES256', 'EdDSA', 'Ed25519', 'RS256', 'PS256'] as const;
/** How old a proof's `iat` may be (§11.1: proofs are short-lived; the replay store remembers a `jti` this long). */
export const DPOP_PROOF_MAX_AGE_SECONDS = 60;
/** How far a proof's `iat` may lie in the future (clock skew between the client and this server). */
export const DPOP_CLOCK_TOLERANCE_SECONDS = 5;

/** Issues and checks server nonces (§8, §9); see createDPoPNonces for a stateless one. */
export interface DPoPNonceSource {
  /** The nonce a client should use now, sent as the `DPoP-Nonce` header. */
  current(): Promise<string>;
  /** Whether a nonce from a proof is still accepted. */
  accepts(nonce: string): Promise<boolean>;
}

export interface DPoPProofOptions {
  /** Accepted `alg` values; default DPOP_ALGORITHMS. */
  algorithms?: readonly string[];
  /** Default DPOP_PROOF_MAX_AGE_SECONDS. */
  maxAgeSeconds?: number;
  /** Default DPOP_CLOCK_TOLERANCE_SECONDS. */
  clockToleranceSeconds?: number;
  /** Where seen `jti` values are recorded; a proof whose `jti` is already there is a replay (§11.1). */
  replayStore: DPoPReplayStore;
  /** When set, every proof must carry a nonce it accepts (§8); otherwise nonces are not checked. */
  nonces?: DPoPNonceSource | undefined;
}

/** What the proof is checked against: the request it came with. */
export interface DPoPRequest {
  /** The `DPoP` header value (a single header: `Headers.get` joins several with a comma). */
  proof: string;
  method: string;
  url: string;
  /** At a resource server: the access token the proof must cover with `ath` (§7.1). */
  accessToken?: string | undefined;
  /** The JWK SHA-256 thumbprint the proof's key must have (the token's `cnf.jkt`, or a code's `dpop_jkt`). */
  expectedJkt?: string | undefined;
}

export interface DPoPProof {
  /** The RFC 7638 SHA-256 thumbprint of the proof's key, base64url: the `cnf.jkt` of tokens bound to it. */
  jkt: string;
  jti: string;
  iat: number;
}

const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

function invalidProof(message: string, claim?: string, cause?: unknown): VerifyError {
  return new VerifyError('ERR_DPOP_PROOF_INVALID', message, { claim, cause });
}

/**
 * Checks a DPoP proof against its request (RFC 9449 §4.3; with `accessToken`, §7.1) and records its `jti`, and
 * returns the key's thumbprint. Throws VerifyError `ERR_DPOP_PROOF_INVALID`, or `ERR_DPOP_NONCE_REQUIRED` when the
 * nonce is missing or no longer accepted (answer `use_dpop_nonce` with a fresh `DPoP-Nonce`).
 */
export async function verifyDPoPProof(request: DPoPRequest, options: DPoPProofOptions): Promise<DPoPProof> {
  const algorithms = [...(options.algorithms ?? DPOP_ALGORITHMS)];
  const { proof } = request;
  // §4.3 step 1: exactly one DPoP header; step 2: a single well-formed JWT.
  if (proof.includes(',')) throw invalidProof('exactly one DPoP header is allowed');
  const header = protectedHeaderOf(proof);
  if (header.typ !== 'dpop+jwt') throw invalidProof('the DPoP proof is not of type dpop+jwt', 'typ');
  if (typeof header.alg !== 'string' || !algorithms.includes(header.alg))
    throw invalidProof(`the DPoP proof must be signed with one of ${algorithms.join(', ')}`, 'alg');
  const jwk = header.jwk;
  if (typeof jwk !== 'object' || jwk === null) throw invalidProof('the DPoP proof has no jwk header', 'jwk');
  // §4.3 step 7: the key must not be a private one (its owner just published it).
  if (PRIVATE_JWK_MEMBERS.some((member) => member in jwk))
    throw invalidProof('the jwk of the DPoP proof must be a public key', 'jwk');

  const payload = await verifiedPayload(proof, algorithms);
  const { jti, htm, htu, iat } = payload;
  if (typeof jti !== 'string' || jti === '' || jti.length > 256)
    throw invalidProof('the DPoP proof has no valid jti', 'jti');
  if (htm !== request.method) throw invalidProof('htm does not match the request method', 'htm');
  if (typeof htu !== 'string' || normalizedHtu(htu) !== normalizedHtu(request.url))
    throw invalidProof('htu does not match the request URL', 'htu');
  checkIssuedAt(iat, options);
  if (request.accessToken !== undefined && payload.ath !== (await accessTokenHash(request.accessToken)))
    throw invalidProof('ath does not match the access token', 'ath');
  const jkt = await calculateJwkThumbprint(jwk as JWK, 'sha256');
  if (request.expectedJkt !== undefined && jkt !== request.expectedJkt)
    throw invalidProof('the DPoP proof is signed by another key than the one bound', 'jwk');
  if (options.nonces && (typeof payload.nonce !== 'string' || !(await options.nonces.accepts(payload.nonce))))
    throw new VerifyError('ERR_DPOP_NONCE_REQUIRED', 'the DPoP proof must carry the nonce this server issued', {
      claim: 'nonce',
      dpopNonce: await options.nonces.current(),
    });

  // Last, so an invalid proof never takes a jti; the key is scoped to the proof key so no one can spend another's.
  const expiresAt = iat + (options.maxAgeSeconds ?? DPOP_PROOF_MAX_AGE_SECONDS);
  if (!(await options.replayStore.claim(`${jkt}.${jti}`, expiresAt)))
    throw invalidProof('the DPoP proof was already used', 'jti');
  return { jkt, jti, iat };
}

function protectedHeaderOf(proof: string): ReturnType<typeof decodeProtectedHeader> {
  try {
    if (proof.split('.').length !== 3) throw new Error('not a compact JWS');
    return decodeProtectedHeader(proof);
  } catch (cause) {
    throw invalidProof('the DPoP proof is not a well-formed JWT', undefined, cause);
  }
}

async function verifiedPayload(proof: string, algorithms: string[]): Promise<Record<string, unknown>> {
  try {
    const { payload } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms });
    return payload;
  } catch (cause) {
    if (cause instanceof errors.JWSSignatureVerificationFailed)
      throw invalidProof('the DPoP proof signature is invalid', undefined, cause);
    if (cause instanceof errors.JOSEError) throw invalidProof('the DPoP proof is invalid', undefined, cause);
    throw cause;
  }
}

function checkIssuedAt(iat: unknown, options: DPoPProofOptions): asserts iat is number {
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw invalidProof('the DPoP proof has no iat', 'iat');
  const nowSeconds = Math.floor(Date.now() / 1000);
  if (iat > nowSeconds + (options.clockToleranceSeconds ?? DPOP_CLOCK_TOLERANCE_SECONDS))
    throw invalidProof('the DPoP proof is issued in the future', 'iat');
  if (iat < nowSeconds - (options.maxAgeSeconds ?? DPOP_PROOF_MAX_AGE_SECONDS))
    throw invalidProof('the DPoP proof is too old', 'iat');
}

/**
 * §4.3 step 9: htu is compared without query and fragment, after RFC 3986 §6.2.2/§6.2.3 normalisation (case of
 * scheme and host, default ports, percent-encoding, dot segments), which the WHATWG URL parser performs.
 */
export function normalizedHtu(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

const encoder = new TextEncoder();

/** §4.2 `ath`: base64url of the SHA-256 of the ASCII access token. */
export async function accessTokenHash(accessToken: string): Promise<string> {
  return base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(accessToken))));
}
