// The password reset pages: the request form (an email address), the one answer it gives whether or not the address
// belongs to an account, the form a mailed link opens (a new password), and the notices after it.
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../accounts/password-policy';
import { COPY } from './copy';
import { CsrfField, FormError, Layout } from './layout';

const text = COPY.email;

/** The login page's way here. */
export function ForgotPasswordLink() {
  return (
    <p>
      <a href="/password-reset">{text.forgotPassword}</a>
    </p>
  );
}

export function PasswordResetRequestPage({ csrfToken, error }: { csrfToken: string; error?: string | undefined }) {
  return (
    <Layout title={text.requestTitle}>
      <p>{text.requestIntro}</p>
      <FormError message={error} />
      <form method="post" action="/password-reset">
        <CsrfField token={csrfToken} />
        <label for="email">{text.address}</label>
        <input id="email" name="email" type="email" autocomplete="email" required autofocus />
        <button type="submit">{text.requestSubmit}</button>
      </form>
    </Layout>
  );
}

export interface PasswordResetFormPageProps {
  csrfToken: string;
  /** The link's token, posted back with the new password. */
  token: string;
  username: string;
  error?: string | undefined;
}

export function PasswordResetFormPage({ csrfToken, token, username, error }: PasswordResetFormPageProps) {
  return (
    <Layout title={text.resetTitle}>
      <p>{text.resetIntro(username)}</p>
      <FormError message={error} />
      <form method="post" action="/password-reset/new">
        <CsrfField token={csrfToken} />
        <input type="hidden" name="token" value={token} />
        {/* Lets a password manager file the new password under the right account. */}
        <input type="hidden" name="username" value={username} autocomplete="username" />
        <label for="password">{text.newPassword}</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="new-password"
          required
          autofocus
          minlength={PASSWORD_MIN_LENGTH}
          maxlength={PASSWORD_MAX_LENGTH}
          aria-describedby="password-hint"
        />
        <p class="hint" id="password-hint">
          {COPY.signup.passwordHint}
        </p>
        <button type="submit">{text.resetSubmit}</button>
      </form>
    </Layout>
  );
}

/** A short page after a mail step: what happened, and where to go next. */
export function EmailNoticePage({ title, message, link }: { title: string; message: string; link: EmailNoticeLink }) {
  return (
    <Layout title={title}>
      <p role="status">{message}</p>
      <p>
        <a href={link.href}>{link.label}</a>
      </p>
    </Layout>
  );
}

export interface EmailNoticeLink {
  href: string;
  label: string;
}
