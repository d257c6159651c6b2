// Registering a passkey (WebAuthn Level 3 §7.1): for a signed-in user on the security
// page, or as the only sign-in method of a new account at sign-up. Discoverable credentials with user verification
// required, no attestation (nothing here trusts an authenticator's make); at most one credential per authenticator.
import { base64url } from 'jose';
import type { Stores } from '../storage/stores';
import type { Passkey, WebAuthnCeremony } from '../storage/types';
import {
  CEREMONY_TTL_SECONDS,
  PasskeyError,
  challengeOf,
  newChallenge,
  parseCredentialJson,
  startCeremony,
  verifiedBy,
} from './passkey-ceremony';
import type { RelyingParty } from './webauthn-relying-party';
import { SUPPORTED_ALGORITHMS, verifyRegistrationResponse } from './webauthn-responses';

/** PublicKeyCredentialCreationOptionsJSON (WebAuthn Level 3 §5.4), as the browser script passes it on. */
export interface CreationOptionsJson {
  challenge: string;
  rp: { id: string; name: string };
  user: { id: string; name: string; displayName: string };
  pubKeyCredParams: Array<{ type: 'public-key'; alg: number }>;
  timeout: number;
  excludeCredentials: Array<{ type: 'public-key'; id: string; transports: string[] }>;
  authenticatorSelection: { residentKey: 'required'; requireResidentKey: true; userVerification: 'required' };
  attestation: 'none';
  extensions: { credProps: true };
}

/** Who the passkey is for: an existing user (register) or the account a sign-up creates (sign-up). */
export interface PasskeyHolder {
  id: string;
  username: string;
}

/** The WebAuthn user handle of a user: the bytes of their id (a random UUID, no personal data: §14.6.1). */
export function userHandleOf(userId: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(new TextEncoder().encode(userId));
}

/** A passkey's name as the user types it: trimmed, at most this long. */
export const PASSKEY_NAME_MAX_LENGTH = 64;

/**
 * The creation options for the browser, with the ceremony stored for it. The user handle is the user's id; the user's existing passkeys are excluded so one authenticator is not added twice.
 */
export async function startPasskeyRegistration(
  stores: Pick<Stores, 'webauthnChallenges' | 'passkeys'>,
  relyingParty: RelyingParty,
  holder: PasskeyHolder,
  ceremony: Pick<WebAuthnCeremony, 'purpose' | 'username' | 'email'>,
  nowSeconds: number,
): Promise<{ options: CreationOptionsJson; token: string }> {
  const existing = ceremony.purpose === 'register' ? await stores.passkeys.listByUser(holder.id) : [];
  const options: CreationOptionsJson = {
    challenge: newChallenge(),
    rp: { id: relyingParty.id, name: relyingParty.name },
    // No display name: the username is what the user knows the account by (§5.4.3 allows the empty string).
    user: { id: base64url.encode(userHandleOf(holder.id)), name: holder.username, displayName: '' },
    pubKeyCredParams: SUPPORTED_ALGORITHMS.map((alg) => ({ type: 'public-key', alg })),
    timeout: CEREMONY_TTL_SECONDS * 1000,
    excludeCredentials: existing.map(({ id, transports }) => ({ type: 'public-key', id, transports })),
    // requireResidentKey: the Level 1 spelling of residentKey 'required', for browsers that only know it (§5.4.4).
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
    attestation: 'none',
    extensions: { credProps: true },
  };
  const token = await startCeremony(stores, options.challenge, { ...ceremony, userId: holder.id }, nowSeconds);
  return { options, token };
}

/**
 * Verifies the browser's new credential against the consumed ceremony (origin, RP ID, challenge, user verification)
 * and returns the passkey to store for the ceremony's user. Refusals throw PasskeyError.
 */
export async function verifyPasskeyRegistration(
  stores: Pick<Stores, 'passkeys'>,
  relyingParty: RelyingParty,
  ceremony: WebAuthnCeremony,
  responseJson: string | undefined,
  name: string,
  nowSeconds: number,
): Promise<Passkey> {
  const response = parseCredentialJson(responseJson);
  const credential = await verifiedBy(() =>
    verifyRegistrationResponse(response, { challenge: challengeOf(ceremony), relyingParty }),
  );
  if (ceremony.userId === null) throw new PasskeyError('verification_failed');
  if (await stores.passkeys.findById(credential.id)) throw new PasskeyError('already_registered');
  return {
    id: credential.id,
    userId: ceremony.userId,
    name,
    publicKey: base64url.encode(credential.publicKey),
    counter: credential.counter,
    transports: response.response.transports,
    backupEligible: credential.backupEligible,
    backedUp: credential.backedUp,
    createdAt: nowSeconds,
    lastUsedAt: null,
  };
}

/** A name the user typed, trimmed and cut to length; the fallback when it is empty. */
export function passkeyName(typed: string | undefined, fallback: string): string {
  const name = (typed ?? '').trim().slice(0, PASSKEY_NAME_MAX_LENGTH);
  return name === '' ? fallback : name;
}
