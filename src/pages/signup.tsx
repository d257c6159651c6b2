// The sign-up form: username, optional email and password, with the rules stated next to the fields.
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../accounts/password-policy';
import { USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH } from '../accounts/username';
import { COPY } from './copy';
import { CsrfField, FormError, Layout } from './layout';
import { PasskeySignUp } from './passkey-sign-up';
import type { PasskeySignInProps } from './passkey-sign-in';

export interface SignupPageProps {
  csrfToken: string;
  /** A same-origin path, already checked (http/return-to.ts). */
  returnTo: string;
  username?: string | undefined;
  email?: string | undefined;
  error?: string | undefined;
  passkey: PasskeySignInProps;
}

export function SignupPage({ csrfToken, returnTo, username, email, error, passkey }: SignupPageProps) {
  return (
    <Layout title={COPY.signup.title}>
      <FormError message={error} />
      <form method="post" action="/signup">
        <CsrfField token={csrfToken} />
        <input type="hidden" name="return_to" value={returnTo} />
        <label for="username">{COPY.signup.username}</label>
        <input
          id="username"
          name="username"
          type="text"
          value={username ?? ''}
          autocomplete="username"
          autocapitalize="none"
          required
          autofocus
          minlength={USERNAME_MIN_LENGTH}
          maxlength={USERNAME_MAX_LENGTH}
          aria-describedby="username-hint"
        />
        <p class="hint" id="username-hint">
          {COPY.signup.usernameHint}
        </p>
        <label for="email">{COPY.signup.email}</label>
        <input id="email" name="email" type="email" value={email ?? ''} autocomplete="email" />
        <label for="password">{COPY.signup.password}</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="new-password"
          required
          minlength={PASSWORD_MIN_LENGTH}
          maxlength={PASSWORD_MAX_LENGTH}
          aria-describedby="password-hint"
        />
        <p class="hint" id="password-hint">
          {COPY.signup.passwordHint}
        </p>
        <button type="submit">{COPY.signup.submit}</button>
      </form>
      <PasskeySignUp {...passkey} />
      <p>
        {COPY.signup.haveAccount}{' '}
        <a href={`/login?return_to=${encodeURIComponent(returnTo)}`}>{COPY.signup.loginLink}</a>
      </p>
    </Layout>
  );
}
