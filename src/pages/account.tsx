// The signed-in landing page: who is signed in, their recent sign-ins (time, address, browser), links to the
// developer pages, and a sign-out button (a CSRF-protected POST /logout).
import type { AuditEvent, User } from '../storage/types';
import { COPY } from './copy';
import { CsrfField, Layout } from './layout';

export type SignIn = Pick<AuditEvent, 'at' | 'clientAddress' | 'userAgent'>;

export interface AccountPageProps {
  user: Pick<User, 'username' | 'email'>;
  signIns: SignIn[];
  csrfToken: string;
}

export function AccountPage({ user, signIns, csrfToken }: AccountPageProps) {
  const text = COPY.account;
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
      <h2>{text.recentSignIns}</h2>
      {signIns.length === 0 ? (
        <p>{text.noSignIns}</p>
      ) : (
        <>
          <p>{text.recentSignInsIntro}</p>
          <ul class="items">
            {signIns.map((signIn) => (
              <li>
                <time datetime={new Date(signIn.at * 1000).toISOString()}>
                  {new Date(signIn.at * 1000).toISOString().replace('T', ' ').slice(0, 16)} UTC
                </time>{' '}
                · {signIn.clientAddress ?? text.unknownAddress} · {signIn.userAgent ?? text.unknownAgent}
              </li>
            ))}
          </ul>
        </>
      )}
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
