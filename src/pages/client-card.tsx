// Who is asking (OIDC Dynamic Registration §2 client_name, logo_uri, client_uri, policy_uri, tos_uri): the client's
// logo and its links, shown on the consent page and on the login page of an authorization request.
import { COPY } from './copy';

/** What a client registered about itself, already checked for display: https URLs only, the logo allowed by the CSP. */
export interface ClientBranding {
  /** The registered name, else the client id. */
  name: string;
  logoUri: string | null;
  clientUri: string | null;
  policyUri: string | null;
  tosUri: string | null;
  /** For a client known by its metadata document (an https client_id), the host that publishes it. */
  documentHost: string | null;
}

export function ClientCard({ client }: { client: ClientBranding }) {
  const links: Array<[string, string | null]> = [
    [COPY.client.home, client.clientUri],
    [COPY.client.policy, client.policyUri],
    [COPY.client.terms, client.tosUri],
  ];
  const shown = links.filter((link): link is [string, string] => link[1] !== null);
  return (
    <div class="client">
      {client.documentHost ? (
        <p class="client-host">
          {COPY.client.publishedBy} <strong>{client.documentHost}</strong>
        </p>
      ) : null}
      {client.logoUri ? (
        <img
          src={client.logoUri}
          alt={COPY.client.logo(client.name)}
          width="64"
          height="64"
          referrerpolicy="no-referrer"
        />
      ) : null}
      {shown.length > 0 ? (
        <ul class="client-links">
          {shown.map(([label, href]) => (
            <li>
              <a href={href} rel="noopener noreferrer" target="_blank">
                {label}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
