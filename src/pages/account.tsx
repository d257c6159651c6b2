// The signed-in landing page: who is signed in, links to the developer pages, and a sign-out button (a
// CSRF-protected POST /logout).
import type { User } from '../storage/types';
import { COPY } from './copy';
import { CsrfField, Layout } from './layout';

export function AccountPage({ user, csrfToken }: { user: Pick<User, 'username' | 'email'>; csrfToken: string }) {
  return (
    <Layout title={COPY.account.title}>
      <dl>
        <dt>{COPY.account.signedInAs}</dt>
        <dd>{user.username}</dd>
        {user.email ? (
          <>
            <dt>{COPY.account.email}</dt>
            <dd>{user.email}</dd>
          </>
        ) : null}
      </dl>
      <ul>
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
