// The per-attempt values of an upstream sign-in, all derived from one random secret kept in the browser's cookie:
// `state` (RFC 6749 §10.12, binds the callback to this browser), `nonce` (OIDC Core §3.1.2.1, binds the ID Token) and
// the PKCE verifier (RFC 7636 §4.1). The upstream sees state, nonce and the S256 challenge, none of which reveals the
// secret or the verifier; D1 keeps only the hash of the state, so a database read finishes nobody's sign-in.
import { base64url } from 'jose';
import { hashOpaqueToken } from '../../tokens/opaque';

export interface UpstreamRequestValues {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** What D1 keys the pending sign-in by. */
  stateHash: string;
}

const encoder = new TextEncoder();

export async function upstreamRequestValues(secret: string): Promise<UpstreamRequestValues> {
  const [state, nonce, codeVerifier] = await Promise.all(['state', 'nonce', 'pkce'].map((use) => derive(secret, use)));
  return { state: state!, nonce: nonce!, codeVerifier: codeVerifier!, stateHash: await hashOpaqueToken(state!) };
}

// SHA-256 over a purpose label and the 256-bit secret: one-way, and distinct values per purpose.
async function derive(secret: string, purpose: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(`portcullis-upstream-${purpose}:${secret}`));
  return base64url.encode(new Uint8Array(digest));
}
