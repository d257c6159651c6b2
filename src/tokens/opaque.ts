// Opaque credentials (client secrets, refresh tokens, codes, registration tokens): generation, hashing and
// constant-time comparison. They carry 256 bits of entropy, so one SHA-256 is the right hash (no stretching).
import { base64url } from 'jose';
import { stringsEqual } from './constant-time';

const SECRET_BYTES = 32;
const encoder = new TextEncoder();

export function generateOpaqueToken(bytes = SECRET_BYTES): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(bytes)));
}

export async function hashOpaqueToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(token));
  return base64url.encode(new Uint8Array(digest));
}

/** Compares a presented token with a stored hash without leaking, through timing, how much of it matched. */
export async function opaqueTokenMatches(presented: string, storedHash: string): Promise<boolean> {
  return stringsEqual(await hashOpaqueToken(presented), storedHash);
}
