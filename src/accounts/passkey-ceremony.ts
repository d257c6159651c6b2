// What registering and signing in with a passkey share: the pending ceremony (a challenge for one browser, single-use,
// expiring; WebAuthn Level 3 §13.4.3) and the checks of the browser's response's shape before it is verified.
import { base64url } from 'jose';
import * as v from 'valibot';
import { hashOpaqueToken } from '../tokens/opaque';
import { stringsEqual } from '../tokens/constant-time';
import type { Stores } from '../storage/stores';
import type { WebAuthnCeremony } from '../storage/types';

/** How long a browser has to answer a challenge: WebAuthn §15.1 suggests 300 s to 600 s when verifying the user. */
export const CEREMONY_TTL_SECONDS = 5 * 60;

/** Why a passkey ceremony failed; the pages word each one (pages/copy.ts `passkeys.problems`). */
export type PasskeyProblem =
  | 'unavailable'
  | 'ceremony_expired'
  | 'malformed_response'
  | 'unknown_credential'
  | 'verification_failed'
  | 'already_registered';

export class PasskeyError extends Error {
  override name = 'PasskeyError';
  constructor(
    readonly problem: PasskeyProblem,
    options?: ErrorOptions,
  ) {
    super(problem, options);
  }
}

/** A fresh challenge: 32 random bytes, base64url (§13.4.3 asks for at least 16). */
export function newChallenge(): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
}

/** Stores a ceremony for the challenge just generated; returns the token for the browser's cookie. */
export async function startCeremony(
  stores: Pick<Stores, 'webauthnChallenges'>,
  challenge: string,
  ceremony: Omit<WebAuthnCeremony, 'challengeHash' | 'expiresAt'>,
  nowSeconds: number,
): Promise<string> {
  return stores.webauthnChallenges.create({
    ...ceremony,
    challengeHash: await hashOpaqueToken(challenge),
    expiresAt: nowSeconds + CEREMONY_TTL_SECONDS,
  });
}

/**
 * Consumes the browser's ceremony for this purpose, whatever happens next: a challenge answers one response at most.
 * A missing, expired, used or other-purpose ceremony is refused.
 */
export async function consumeCeremony(
  stores: Pick<Stores, 'webauthnChallenges'>,
  token: string | undefined,
  purpose: WebAuthnCeremony['purpose'],
  nowSeconds: number,
): Promise<WebAuthnCeremony> {
  const ceremony = token ? await stores.webauthnChallenges.consume(token, nowSeconds) : null;
  if (!ceremony || ceremony.purpose !== purpose) throw new PasskeyError('ceremony_expired');
  return ceremony;
}

/** The challenge test: the response's challenge must hash to the ceremony's (§7.1 step 8, §7.2 step 12). */
export function challengeOf(ceremony: WebAuthnCeremony): (challenge: string) => Promise<boolean> {
  return async (challenge) => stringsEqual(await hashOpaqueToken(challenge), ceremony.challengeHash);
}

const base64urlText = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]+$/));

/** The outer shape of a PublicKeyCredential's JSON (§5.1 toJSON); webauthn-responses.ts checks what is inside. */
const credentialJson = v.looseObject({
  id: base64urlText,
  rawId: base64urlText,
  type: v.literal('public-key'),
  response: v.looseObject({
    clientDataJSON: base64urlText,
    transports: v.optional(v.array(v.pipe(v.string(), v.maxLength(32))), []),
  }),
  clientExtensionResults: v.optional(v.record(v.string(), v.unknown()), {}),
});

/** Parses the `response` field a page posts (the browser's credential as JSON); malformed input is refused. */
export function parseCredentialJson(text: string | undefined): v.InferOutput<typeof credentialJson> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '');
  } catch {
    throw new PasskeyError('malformed_response');
  }
  const result = v.safeParse(credentialJson, parsed);
  if (!result.success) throw new PasskeyError('malformed_response');
  return result.output;
}

/**
 * Runs a response's verification: any failure it reports (wrong origin, RP ID, challenge, missing user
 * verification, bad signature, counter regression, undecodable data) is the response's fault, so it is refused,
 * never a 500.
 */
export async function verifiedBy<T>(verify: () => Promise<T>): Promise<T> {
  try {
    return await verify();
  } catch (error) {
    throw new PasskeyError('verification_failed', { cause: error });
  }
}
