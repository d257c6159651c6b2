// The applications a user has granted access to (their consents), each with a button to revoke it (issue 4).
import type { GrantedConsent } from '../storage/types';
import { COPY } from './copy';
import { CsrfField, Layout } from './layout';

export const AUTHORIZATIONS_PATH = '/account/authorizations';

export function revokeAuthorizationPath(clientId: string): string {
  return `${AUTHORIZATIONS_PATH}/${encodeURIComponent(clientId)}/revoke`;
}

export function AuthorizationsPage({ grants, csrfToken }: { grants: GrantedConsent[]; csrfToken: string }) {
  const text = COPY.authorizations;
  return (
    <Layout title={text.title}>
      <p>{text.intro}</p>
      {grants.length === 0 ? (
        <p>{text.none}</p>
      ) : (
        <ul class="items">
          {grants.map((grant) => (
            <li>
              <strong>{grant.clientName === '' ? text.unnamed : grant.clientName}</strong>
              {/* A client known by its metadata document: its self-asserted name, and the host that publishes it. */}
              {grant.clientId.startsWith('https://') ? (
                <span>
                  {' '}
                  ({COPY.client.publishedBy} <strong>{new URL(grant.clientId).host}</strong>)
                </span>
              ) : null}
              <dl>
                <dt>{text.scopes}</dt>
                <dd>
                  <code>{grant.scopes.join(' ')}</code>
                </dd>
                <dt>{text.granted}</dt>
                <dd>
                  <time datetime={new Date(grant.updatedAt * 1000).toISOString()}>
                    {new Date(grant.updatedAt * 1000).toISOString().slice(0, 10)}
                  </time>
                </dd>
              </dl>
              <form method="post" action={revokeAuthorizationPath(grant.clientId)}>
                <CsrfField token={csrfToken} />
                <button type="submit" class="secondary">
                  {text.revoke}
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href="/account">{text.backToAccount}</a>
      </p>
    </Layout>
  );
}
