// The signed-in landing page: who is signed in, the profile they share with applications (a CSRF-protected form),
// links to the security page and the developer pages, and a sign-out button (a CSRF-protected POST /logout).
import type { ProfileField } from '../accounts/profile';
import type { User } from '../storage/types';
import { AccountEmailSection, type AccountEmailProps } from './account-email';
import { SECURITY_PATH } from './account-security';
import { COPY } from './copy';
import { CsrfField, FormError, Layout } from './layout';

export interface AccountPageProps {
  user: Pick<User, 'username' | 'email' | 'emailVerified'>;
  /** The values shown in the profile form: the stored ones, or what was submitted when it was refused. */
  profile: Partial<Record<ProfileField, string | null | undefined>>;
  /** The field a refused submission got wrong. */
  problem?: ProfileField | undefined;
  saved?: boolean;
  csrfToken: string;
  /** The email section's notice or error. */
  email?: Pick<AccountEmailProps, 'notice' | 'error'> | undefined;
}

const INPUT_TYPES: Partial<Record<ProfileField, string>> = { picture: 'url', website: 'url' };

export function AccountPage({ user, profile, problem, saved, csrfToken, email }: AccountPageProps) {
  const labels = COPY.account.profileFields;
  return (
    <Layout title={COPY.account.title}>
      <dl>
        <dt>{COPY.account.signedInAs}</dt>
        <dd>{user.username}</dd>
      </dl>
      <AccountEmailSection user={user} csrfToken={csrfToken} {...email} />
      <h2 id="profile-heading">{COPY.account.profileHeading}</h2>
      {saved ? (
        <p class="notice" role="status">
          {COPY.account.profileSaved}
        </p>
      ) : null}
      <FormError message={problem ? COPY.account.profileProblem(labels[problem]) : undefined} />
      <p class="hint">{COPY.account.profileHint}</p>
      <form method="post" action="/account/profile" aria-labelledby="profile-heading">
        <CsrfField token={csrfToken} />
        {(Object.keys(labels) as ProfileField[]).map((field) => (
          <>
            <label for={`profile-${field}`}>{labels[field]}</label>
            <input
              id={`profile-${field}`}
              name={field}
              type={INPUT_TYPES[field] ?? 'text'}
              value={profile[field] ?? ''}
              aria-invalid={problem === field ? 'true' : undefined}
            />
          </>
        ))}
        <button type="submit">{COPY.account.profileSave}</button>
      </form>
      <ul>
        <li>
          <a href={SECURITY_PATH}>{COPY.security.navLink}</a>
        </li>
        <li>
          <a href="/account/applications">{COPY.applications.navLink}</a>
        </li>
        <li>
          <a href="/account/authorizations">{COPY.authorizations.navLink}</a>
        </li>
      </ul>
      <form method="post" action="/logout">
        <CsrfField token={csrfToken} />
        <button type="submit" class="secondary">
          {COPY.account.logout}
        </button>
      </form>
    </Layout>
  );
}
