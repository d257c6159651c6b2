// Signing in with a passkey (WebAuthn Level 3 §7.2): discoverable credentials (no
// username first), user verification required, the signature counter checked and stored, under the login throttle
// of the client's address.
import { base64url } from 'jose';
import type { Stores } from '../storage/stores';
import type { User, WebAuthnCeremony } from '../storage/types';
import { throttleSignIn, type CheckedSignIn } from './login-throttle';
import {
  CEREMONY_TTL_SECONDS,
  PasskeyError,
  challengeOf,
  newChallenge,
  parseCredentialJson,
  startCeremony,
  verifiedBy,
  type PasskeyProblem,
} from './passkey-ceremony';
import { userHandleOf } from './passkey-registration';
import type { RelyingParty } from './webauthn-relying-party';
import { verifyAuthenticationResponse } from './webauthn-responses';

/** PublicKeyCredentialRequestOptionsJSON (WebAuthn Level 3 §5.5), as the browser script passes it on. */
export interface RequestOptionsJson {
  challenge: string;
  rpId: string;
  timeout: number;
  allowCredentials: [];
  userVerification: 'required';
}

/** The request options for the browser (no allowCredentials: the authenticator offers its passkeys for this RP). */
export async function startPasskeySignIn(
  stores: Pick<Stores, 'webauthnChallenges'>,
  relyingParty: RelyingParty,
  nowSeconds: number,
): Promise<{ options: RequestOptionsJson; token: string }> {
  const options: RequestOptionsJson = {
    challenge: newChallenge(),
    rpId: relyingParty.id,
    timeout: CEREMONY_TTL_SECONDS * 1000,
    allowCredentials: [],
    userVerification: 'required',
  };
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
  const response = parseCredentialJson(responseJson);
  const passkey = await stores.passkeys.findById(response.id);
  const user = passkey ? await stores.users.findById(passkey.userId) : null;
  if (!passkey || !user || user.disabled) throw new PasskeyError('unknown_credential');
  // §7.2 step 6: the user handle the authenticator returns must be the credential's user.
  const userHandle = response.response.userHandle;
  if (userHandle && userHandle !== base64url.encode(userHandleOf(user.id))) {
    throw new PasskeyError('unknown_credential');
  }
  const { counter, backedUp } = await verifiedBy(() =>
    verifyAuthenticationResponse(response, {
      challenge: challengeOf(ceremony),
      relyingParty,
      publicKey: new Uint8Array(base64url.decode(passkey.publicKey)),
      counter: passkey.counter,
    }),
  );
  await stores.passkeys.recordUse(passkey.id, { counter, backedUp, nowSeconds });
  return user;
}
