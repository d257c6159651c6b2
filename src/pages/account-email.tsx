// The email section of /account: the address with whether it is verified, a form to change or remove it, and a
// button that mails the confirmation link again while it is unverified.
import type { User } from '../storage/types';
import { COPY } from './copy';
import { CsrfField, FormError } from './layout';

export interface AccountEmailProps {
  user: Pick<User, 'email' | 'emailVerified'>;
  csrfToken: string;
  /** What the last change did (a query parameter of the redirect back to /account). */
  notice?: string | undefined;
  error?: string | undefined;
}

export function AccountEmailSection({ user, csrfToken, notice, error }: AccountEmailProps) {
  const text = COPY.email;
  return (
    <>
      <h2 id="email-heading">{text.heading}</h2>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <FormError message={error} />
      <p class="hint">{text.accountHint}</p>
      {user.email ? (
        <p>
          {user.email} ({user.emailVerified ? text.verifiedBadge : text.unverifiedBadge})
        </p>
      ) : null}
      <form method="post" action="/account/email" aria-labelledby="email-heading">
        <CsrfField token={csrfToken} />
        <label for="account-email">{text.address}</label>
        <input id="account-email" name="email" type="email" value={user.email ?? ''} autocomplete="email" />
        <button type="submit">{text.save}</button>
      </form>
      {user.email && !user.emailVerified ? (
        <form method="post" action="/account/email/verification">
          <CsrfField token={csrfToken} />
          <button type="submit" class="secondary">
            {text.resend}
          </button>
        </form>
      ) : null}
    </>
  );
}
