// The security page of an account: how the user signs in (each method's own section, given by the route), their
// recent sign-ins (audit events: time, address, browser), and signing out everywhere.
import type { Child } from 'hono/jsx';
import type { AuditEvent } from '../storage/types';
import { COPY } from './copy';
import { CsrfField, Layout } from './layout';

export const SECURITY_PATH = '/account/security';
export const SIGN_OUT_EVERYWHERE_PATH = `${SECURITY_PATH}/sign-out-everywhere`;

export type SignIn = Pick<AuditEvent, 'at' | 'clientAddress' | 'userAgent'>;

export interface SecurityPageProps {
  /** The sections of the sign-in methods (passkeys, two-factor codes, linked providers), in the order shown. */
  methods: Child[];
  signIns: SignIn[];
  csrfToken: string;
}

export function SecurityPage({ methods, signIns, csrfToken }: SecurityPageProps) {
  const text = COPY.security;
  return (
    <Layout title={text.title}>
      {methods}
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
      <h2 id="sign-out-everywhere-heading">{text.signOutEverywhere}</h2>
      <p class="hint">{text.signOutEverywhereHint}</p>
      <form method="post" action={SIGN_OUT_EVERYWHERE_PATH} aria-labelledby="sign-out-everywhere-heading">
        <CsrfField token={csrfToken} />
        <button type="submit" class="secondary">
          {text.signOutEverywhere}
        </button>
      </form>
      <p>
        <a href="/account">{text.backToAccount}</a>
      </p>
    </Layout>
  );
}
