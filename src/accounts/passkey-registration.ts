// Registering a passkey (WebAuthn Level 3 §7.1) with @simplewebauthn/server: for a signed-in user on the security
// page, or as the only sign-in method of a new account at sign-up. Discoverable credentials with user verification
// required, no attestation (nothing here trusts an authenticator's make); at most one credential per authenticator.
import { generateRegistrationOptions, verifyRegistrationResponse } from '@simplewebauthn/server';
import type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { base64url } from 'jose';
import type { Stores } from '../storage/stores';
import type { Passkey, WebAuthnCeremony } from '../storage/types';
import {
  CEREMONY_TTL_SECONDS,
  PasskeyError,
  challengeOf,
  parseCredentialJson,
  startCeremony,
  verifiedBy,
} from './passkey-ceremony';
import type { RelyingParty } from './webauthn-relying-party';

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
): Promise<{ options: PublicKeyCredentialCreationOptionsJSON; token: string }> {
  const existing = ceremony.purpose === 'register' ? await stores.passkeys.listByUser(holder.id) : [];
  const options = await generateRegistrationOptions({
    rpName: relyingParty.name,
    rpID: relyingParty.id,
    userName: holder.username,
    userID: userHandleOf(holder.id),
    timeout: CEREMONY_TTL_SECONDS * 1000,
    attestationType: 'none',
    excludeCredentials: existing.map(({ id, transports }) => ({ id, transports })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
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
  const response = parseCredentialJson(responseJson) as unknown as RegistrationResponseJSON;
  const { registrationInfo } = await verifiedBy(() =>
    verifyRegistrationResponse({
      response,
      expectedChallenge: challengeOf(ceremony),
      expectedOrigin: relyingParty.origin,
      expectedRPID: relyingParty.id,
      requireUserVerification: true,
    }),
  );
  if (!registrationInfo || ceremony.userId === null) throw new PasskeyError('verification_failed');
  const { credential, credentialDeviceType, credentialBackedUp } = registrationInfo;
  if (await stores.passkeys.findById(credential.id)) throw new PasskeyError('already_registered');
  return {
    id: credential.id,
    userId: ceremony.userId,
    name,
    publicKey: base64url.encode(credential.publicKey),
    counter: credential.counter,
    transports: credential.transports ?? [],
    backupEligible: credentialDeviceType === 'multiDevice',
    backedUp: credentialBackedUp,
    createdAt: nowSeconds,
    lastUsedAt: null,
  };
}

/** A name the user typed, trimmed and cut to length; the fallback when it is empty. */
export function passkeyName(typed: string | undefined, fallback: string): string {
  const name = (typed ?? '').trim().slice(0, PASSKEY_NAME_MAX_LENGTH);
  return name === '' ? fallback : name;
}
