// The second step of signing in to a two-factor account: one field for the code from the authenticator app or a
// recovery code. Where to go afterwards is held by the pending sign-in, not by the form.
import { COPY } from './copy';
import { CsrfField, FormError, Layout } from './layout';

export const SECOND_FACTOR_PATH = '/login/second-factor';
/** The form field of the code (or recovery code). */
export const SECOND_FACTOR_CODE_FIELD = 'code';

export function SecondFactorPage({ csrfToken, error }: { csrfToken: string; error?: string | undefined }) {
  const text = COPY.twoFactor;
  return (
    <Layout title={text.signInTitle}>
      <p>{text.signInIntro}</p>
      <FormError message={error} />
      <form method="post" action={SECOND_FACTOR_PATH}>
        <CsrfField token={csrfToken} />
        <label for="code">{text.code}</label>
        <input
          id="code"
          name={SECOND_FACTOR_CODE_FIELD}
          type="text"
          autocomplete="one-time-code"
          autocapitalize="none"
          spellcheck={false}
          required
          autofocus
          aria-describedby={error ? 'form-error' : undefined}
        />
        <button type="submit">{text.verify}</button>
      </form>
      <p>
        <a href="/login">{text.startOver}</a>
      </p>
    </Layout>
  );
}

/** The pending sign-in is gone (expired, used, or another browser's): start again. */
export function SecondFactorExpiredPage() {
  return (
    <Layout title={COPY.twoFactor.signInTitle}>
      <FormError message={COPY.twoFactor.signInExpired} />
      <p>
        <a href="/login">{COPY.twoFactor.startOver}</a>
      </p>
    </Layout>
  );
}
