// The login form: username and password, posted with the CSRF token and the path to return to afterwards.
import { ClientCard, type ClientBranding } from './client-card';
import { COPY } from './copy';
import { CsrfField, FormError, Layout } from './layout';
import { UpstreamSignIn } from './upstream-sign-in';
import { PasskeySignIn, type PasskeySignInProps } from './passkey-sign-in';
import { ForgotPasswordLink } from './password-reset';

export interface LoginPageProps {
  csrfToken: string;
  /** A same-origin path, already checked (http/return-to.ts). */
  returnTo: string;
  /** What was typed, so a failed attempt need not retype it. */
  username?: string | undefined;
  error?: string | undefined;
  /** The client of the authorization request being signed in for, if any. */
  client?: ClientBranding | undefined;
  passkey: PasskeySignInProps;
  /** The upstream OpenID providers offered ("Continue with ..."). */
  upstreamProviders?: ReadonlyArray<{ id: string; name: string }> | undefined;
}

export function LoginPage({
  csrfToken,
  returnTo,
  username,
  error,
  client,
  passkey,
  upstreamProviders,
}: LoginPageProps) {
  const described = error ? 'form-error' : undefined;
  return (
    <Layout title={COPY.login.title}>
      {client ? (
        <>
          <p>{COPY.client.signingInTo(client.name)}</p>
          <ClientCard client={client} />
        </>
      ) : null}
      <FormError message={error} />
      <form method="post" action="/login">
        <CsrfField token={csrfToken} />
        <input type="hidden" name="return_to" value={returnTo} />
        <label for="username">{COPY.login.username}</label>
        <input
          id="username"
          name="username"
          type="text"
          value={username ?? ''}
          autocomplete="username webauthn"
          autocapitalize="none"
          required
          autofocus
          aria-describedby={described}
        />
        <label for="password">{COPY.login.password}</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          aria-describedby={described}
        />
        <button type="submit">{COPY.login.submit}</button>
      </form>
      <PasskeySignIn {...passkey} />
      <ForgotPasswordLink />
      <UpstreamSignIn providers={upstreamProviders ?? []} returnTo={returnTo} />
      <p>
        {COPY.login.noAccount} <a href={`/signup?return_to=${encodeURIComponent(returnTo)}`}>{COPY.login.signupLink}</a>
      </p>
    </Layout>
  );
}
