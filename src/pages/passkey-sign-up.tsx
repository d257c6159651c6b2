// The sign-up page's passkey part: a username (and optional email) and a button that creates the account with a
// passkey as its only sign-in method. The script fetches the options (which check the username), asks the
// authenticator for a new credential and posts it in this form.
import { USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH } from '../accounts/username';
import { COPY } from './copy';
import { CsrfField } from './layout';
import { PasskeyScripts } from './passkey-script';
import { PasskeyStatus, type PasskeySignInProps } from './passkey-sign-in';

export const PASSKEY_SIGN_UP_PATH = '/signup/passkey';
export const PASSKEY_SIGN_UP_OPTIONS_PATH = `${PASSKEY_SIGN_UP_PATH}/options`;

export function PasskeySignUp({ available, csrfToken, returnTo, scriptNonce }: PasskeySignInProps) {
  const text = COPY.passkeys;
  if (!available) return null;
  return (
    <>
      <h2 id="passkey-sign-up-heading">{text.signUpHeading}</h2>
      <p class="hint">{text.signUpHint}</p>
      <form
        method="post"
        action={PASSKEY_SIGN_UP_PATH}
        data-passkey="sign-up"
        data-options={PASSKEY_SIGN_UP_OPTIONS_PATH}
        aria-labelledby="passkey-sign-up-heading"
      >
        <CsrfField token={csrfToken} />
        <input type="hidden" name="return_to" value={returnTo} />
        <input type="hidden" name="response" value="" />
        <label for="passkey-username">{COPY.signup.username}</label>
        <input
          id="passkey-username"
          name="username"
          type="text"
          autocomplete="username"
          autocapitalize="none"
          required
          minlength={USERNAME_MIN_LENGTH}
          maxlength={USERNAME_MAX_LENGTH}
        />
        <label for="passkey-email">{COPY.signup.email}</label>
        <input id="passkey-email" name="email" type="email" autocomplete="email" />
        <button type="button" data-passkey-start hidden>
          {text.signUpSubmit}
        </button>
        <PasskeyStatus />
      </form>
      <PasskeyScripts nonce={scriptNonce} />
    </>
  );
}
