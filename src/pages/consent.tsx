// The consent page (RFC 6749 §4.1.1 step B, OIDC Core §3.1.2.4): which application asks, for what, on whose
// account, and where the browser goes next; one form whose two buttons allow or deny.
import { ClientCard, type ClientBranding } from './client-card';
import { COPY } from './copy';
import { CsrfField, Layout } from './layout';

/** The form field carrying the pending authorization request (oauth/authorize-request.ts authorizationRequestQuery). */
export const AUTHORIZATION_REQUEST_FIELD = 'authorization_request';

export interface ConsentPageProps {
  csrfToken: string;
  /** The client's name (or id), logo and links. */
  client: ClientBranding;
  /** The origin of the redirect URI, shown so a look-alike name cannot hide where the user is sent. */
  redirectOrigin: string;
  username: string;
  scopes: readonly string[];
  /** The canonical query of the request, resubmitted and validated again with the decision. */
  authorizationRequest: string;
  /** Signs in again and returns to this request. */
  switchAccountUrl: string;
}

export function ConsentPage(props: ConsentPageProps) {
  return (
    <Layout title={COPY.consent.title(props.client.name)}>
      <ClientCard client={props.client} />
      <p>
        {COPY.consent.signedInAs} <strong>{props.username}</strong>.{' '}
        <a href={props.switchAccountUrl}>{COPY.consent.notYou}</a>
      </p>
      <RequestedScopes clientName={props.client.name} scopes={props.scopes} />
      <p>{COPY.consent.returnsTo(props.redirectOrigin)}</p>
      <form method="post" action="/oauth/authorize/consent">
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name={AUTHORIZATION_REQUEST_FIELD} value={props.authorizationRequest} />
        <DecisionButtons />
      </form>
    </Layout>
  );
}

/** Who asks, and each requested scope in the user's terms. */
export function RequestedScopes({ clientName, scopes }: { clientName: string; scopes: readonly string[] }) {
  return (
    <>
      <p id="scopes-heading">{COPY.consent.asksTo(clientName)}</p>
      <ul aria-labelledby="scopes-heading">
        {scopes.map((scope) => (
          <li>{COPY.scopes[scope] ?? COPY.unknownScope(scope)}</li>
        ))}
      </ul>
    </>
  );
}

/** The two buttons of a consent form; the pressed one sends `decision`. */
export function DecisionButtons() {
  return (
    <>
      <button type="submit" name="decision" value="allow">
        {COPY.consent.allow}
      </button>
      <button type="submit" name="decision" value="deny" class="secondary">
        {COPY.consent.deny}
      </button>
    </>
  );
}
