// The login page's passkey part: a "Sign in with a passkey" button, and conditional mediation (the browser offers
// passkeys in the username field's autofill, autocomplete="username webauthn") where the browser supports it. The
// script fetches the options, asks the authenticator and posts its answer in this form.
import { COPY } from './copy';
import { CsrfField } from './layout';
import { PasskeyScripts } from './passkey-script';

export const PASSKEY_SIGN_IN_PATH = '/login/passkey';
export const PASSKEY_SIGN_IN_OPTIONS_PATH = `${PASSKEY_SIGN_IN_PATH}/options`;

export interface PasskeySignInProps {
  /** False where the issuer is reached by an IP address, which browsers refuse as an RP ID. */
  available: boolean;
  csrfToken: string;
  returnTo: string;
  scriptNonce: string;
}

export function PasskeySignIn({ available, csrfToken, returnTo, scriptNonce }: PasskeySignInProps) {
  const text = COPY.passkeys;
  if (!available) return <p class="hint">{text.unavailable}</p>;
  return (
    <>
      <p>{text.or}</p>
      <form
        method="post"
        action={PASSKEY_SIGN_IN_PATH}
        data-passkey="sign-in"
        data-options={PASSKEY_SIGN_IN_OPTIONS_PATH}
        data-conditional="true"
      >
        <CsrfField token={csrfToken} />
        <input type="hidden" name="return_to" value={returnTo} />
        <input type="hidden" name="response" value="" />
        <button type="button" class="secondary" data-passkey-start hidden>
          {text.signIn}
        </button>
        <PasskeyStatus />
      </form>
      <PasskeyScripts nonce={scriptNonce} />
    </>
  );
}

/** Where the script says what is happening or what went wrong, announced to screen readers. */
export function PasskeyStatus() {
  const text = COPY.passkeys;
  return (
    <p
      class="hint"
      role="status"
      data-passkey-status
      data-unsupported={text.unsupported}
      data-working={text.working}
      data-cancelled={text.cancelled}
      data-failed={text.failed}
    />
  );
}
