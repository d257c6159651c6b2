// DPoP proofs for tests (RFC 9449 §4.2), every header and claim overridable (undefined removes one). Shared by the
// package's tests and the issuer's (test/helpers/dpop.ts), so both sign proofs the same way.
import { base64url, calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

export interface ProofKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** RFC 7638 thumbprint: the `cnf.jkt` of tokens bound to this key. */
  jkt: string;
  alg: string;
}

export async function createProofKey(alg = 'ES256'): Promise<ProofKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk, 'sha256'), alg };
}

type Overrides = Record<string, unknown>;

export interface ProofInput {
  htm: string;
  htu: string;
  /** The access token the proof covers (`ath`). */
  accessToken?: string;
  claims?: Overrides;
  header?: Overrides;
}

export async function signProof(key: ProofKey, input: ProofInput): Promise<string> {
  const ath =
    input.accessToken === undefined
      ? undefined
      : base64url.encode(
          new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(input.accessToken))),
        );
  const payload = withoutUndefined({
    jti: crypto.randomUUID(),
    htm: input.htm,
    htu: input.htu,
    iat: Math.floor(Date.now() / 1000),
    ath,
    ...input.claims,
  });
  const header = withoutUndefined({ alg: key.alg, typ: 'dpop+jwt', jwk: key.publicJwk, ...input.header });
  return new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(key.privateKey);
}

function withoutUndefined(record: Overrides): Overrides {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
