// Proof Key for Code Exchange (RFC 7636): S256 only. `plain` is refused, as OAuth 2.1 and RFC 9700 §2.1.1 advise,
// since it protects nothing once the authorization request is observed.
import { base64url } from 'jose';
import { OAuthError } from './errors';
import { stringsEqual } from '../tokens/constant-time';

export const CODE_CHALLENGE_METHODS = ['S256'] as const;

// RFC 7636 §4.1: code-verifier = 43*128unreserved; §4.2: an S256 challenge is the base64url of a SHA-256 digest.
const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** Checks the challenge sent to the authorization endpoint (RFC 7636 §4.3); the method defaults to `plain`. */
export function assertCodeChallenge(challenge: string, method: string | undefined): void {
  if (method !== 'S256') {
    throw new OAuthError('invalid_request', 'code_challenge_method must be S256; plain is not supported');
  }
  if (!S256_CHALLENGE.test(challenge)) {
    throw new OAuthError('invalid_request', 'code_challenge must be the base64url SHA-256 of the code verifier');
  }
}

/** Verifies a code_verifier against the stored S256 challenge (RFC 7636 §4.6), in constant time. */
export async function verifyCodeVerifier(verifier: string, challenge: string): Promise<boolean> {
  const presented = await challengeOfVerifier(verifier);
  return presented !== null && stringsEqual(presented, challenge);
}

/** The S256 challenge a well-formed code_verifier answers (RFC 7636 §4.1, §4.6); null for a malformed one. */
export async function challengeOfVerifier(verifier: string): Promise<string | null> {
  return CODE_VERIFIER.test(verifier) ? s256(verifier) : null;
}

/** BASE64URL(SHA256(ASCII(code_verifier))), RFC 7636 §4.2. */
export async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url.encode(new Uint8Array(digest));
}
