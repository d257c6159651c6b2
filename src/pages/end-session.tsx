// The pages of RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2, §5): the question whether to sign
// out, asked when the request alone cannot be trusted to end the session, and the note that it has ended.
import { COPY } from './copy';
import { CsrfField, Layout } from './layout';

/** The form field carrying the pending logout request, validated again when the user confirms. */
export const LOGOUT_REQUEST_FIELD = 'logout_request';

export interface EndSessionPageProps {
  csrfToken: string;
  username: string;
  /** The client that asked, when it is known. */
  clientName: string | null;
  logoutRequest: string;
}

export function EndSessionPage({ csrfToken, username, clientName, logoutRequest }: EndSessionPageProps) {
  return (
    <Layout title={COPY.endSession.title}>
      <p>{clientName === null ? COPY.endSession.question : COPY.endSession.askedBy(clientName)}</p>
      <p>
        {COPY.endSession.signedInAs} <strong>{username}</strong>.
      </p>
      <form method="post" action="/oauth/logout/confirm">
        <CsrfField token={csrfToken} />
        <input type="hidden" name={LOGOUT_REQUEST_FIELD} value={logoutRequest} />
        <button type="submit">{COPY.endSession.confirm}</button>
      </form>
      <p>
        <a href="/account">{COPY.endSession.stay}</a>
      </p>
    </Layout>
  );
}

export function SignedOutPage() {
  return (
    <Layout title={COPY.endSession.signedOutTitle}>
      <p>{COPY.endSession.signedOut}</p>
      <p>
        <a href="/login">{COPY.endSession.signInAgain}</a>
      </p>
    </Layout>
  );
}
