// Signing in with a passkey (WebAuthn Level 3 §7.2) with @simplewebauthn/server: discoverable credentials (no
// username first), user verification required, the signature counter checked and stored, under the login throttle
// of the client's address.
import { generateAuthenticationOptions, verifyAuthenticationResponse } from '@simplewebauthn/server';
import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { base64url } from 'jose';
import type { Stores } from '../storage/stores';
import type { User, WebAuthnCeremony } from '../storage/types';
import { throttleSignIn, type CheckedSignIn } from './login-throttle';
import {
  CEREMONY_TTL_SECONDS,
  PasskeyError,
  challengeOf,
  parseCredentialJson,
  startCeremony,
  verifiedBy,
  type PasskeyProblem,
} from './passkey-ceremony';
import { userHandleOf } from './passkey-registration';
import type { RelyingParty } from './webauthn-relying-party';

/** The request options for the browser (no allowCredentials: the authenticator offers its passkeys for this RP). */
export async function startPasskeySignIn(
  stores: Pick<Stores, 'webauthnChallenges'>,
  relyingParty: RelyingParty,
  nowSeconds: number,
): Promise<{ options: PublicKeyCredentialRequestOptionsJSON; token: string }> {
  const options = await generateAuthenticationOptions({
    rpID: relyingParty.id,
    userVerification: 'required',
    timeout: CEREMONY_TTL_SECONDS * 1000,
  });
  const token = await startCeremony(
    stores,
    options.challenge,
    { purpose: 'sign-in', userId: null, username: null, email: null },
    nowSeconds,
  );
  return { options, token };
}

export type PasskeySignIn =
  | Exclude<CheckedSignIn, { outcome: 'wrong-credentials' }>
  | { outcome: 'refused'; problem: PasskeyProblem };

/**
 * Verifies an assertion against the consumed ceremony and the stored credential. A failed verification counts
 * against the address's login throttle (never an account's: nothing here was typed by a guesser who names one) and
 * a locked address is refused before any check.
 */
export async function signInWithPasskey(
  stores: Pick<Stores, 'passkeys' | 'users' | 'loginThrottles'>,
  relyingParty: RelyingParty,
  ceremony: WebAuthnCeremony,
  responseJson: string | undefined,
  clientIp: string | undefined,
  nowSeconds: number,
): Promise<PasskeySignIn> {
  let problem: PasskeyProblem = 'verification_failed';
  const outcome = await throttleSignIn(stores.loginThrottles, { username: null, clientIp }, nowSeconds, async () => {
    try {
      return await verifyAssertion(stores, relyingParty, ceremony, responseJson, nowSeconds);
    } catch (error) {
      if (!(error instanceof PasskeyError)) throw error;
      problem = error.problem;
      return null;
    }
  });
  return outcome.outcome === 'wrong-credentials' ? { outcome: 'refused', problem } : outcome;
}

async function verifyAssertion(
  stores: Pick<Stores, 'passkeys' | 'users'>,
  relyingParty: RelyingParty,
  ceremony: WebAuthnCeremony,
  responseJson: string | undefined,
  nowSeconds: number,
): Promise<User> {
  const response = parseCredentialJson(responseJson) as unknown as AuthenticationResponseJSON;
  const passkey = await stores.passkeys.findById(response.id);
  const user = passkey ? await stores.users.findById(passkey.userId) : null;
  if (!passkey || !user || user.disabled) throw new PasskeyError('unknown_credential');
  // §7.2 step 6: the user handle the authenticator returns must be the credential's user.
  const userHandle = response.response.userHandle;
  if (userHandle && userHandle !== base64url.encode(userHandleOf(user.id))) {
    throw new PasskeyError('unknown_credential');
  }
  const { authenticationInfo } = await verifiedBy(() =>
    verifyAuthenticationResponse({
      response,
      expectedChallenge: challengeOf(ceremony),
      expectedOrigin: relyingParty.origin,
      expectedRPID: relyingParty.id,
      // §7.2 step 22: the library refuses a counter that did not grow (a cloned authenticator), unless both are 0.
      credential: {
        id: passkey.id,
        publicKey: new Uint8Array(base64url.decode(passkey.publicKey)),
        counter: passkey.counter,
      },
      requireUserVerification: true,
    }),
  );
  await stores.passkeys.recordUse(passkey.id, {
    counter: authenticationInfo.newCounter,
    backedUp: authenticationInfo.credentialBackedUp,
    nowSeconds,
  });
  return user;
}
