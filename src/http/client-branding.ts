// A client's registered presentation (logo, home page, policy, terms) made safe for a page: only https links, and a
// logo only when this page's CSP has been told to allow its origin.
import type { Context } from 'hono';
import type { ClientBranding } from '../pages/client-card';
import { METADATA_DOCUMENT_REGISTRANT } from '../oauth/client-id-metadata-document';
import type { Client } from '../storage/types';
import type { AppEnv } from './context';
import { allowImageFrom } from './middleware/html-page';

export function clientBranding(c: Context<AppEnv>, client: Client): ClientBranding {
  const logoUri = httpsUrl(client.metadata.logo_uri);
  return {
    name: client.name || client.id,
    logoUri: logoUri !== null && allowImageFrom(c, logoUri) ? logoUri : null,
    clientUri: httpsUrl(client.metadata.client_uri),
    policyUri: httpsUrl(client.metadata.policy_uri),
    tosUri: httpsUrl(client.metadata.tos_uri),
    // The name in a metadata document is self-asserted; the host that publishes it is not.
    documentHost: client.registrant === METADATA_DOCUMENT_REGISTRANT ? new URL(client.id).host : null,
  };
}

/** Registration accepts only https URLs; a record from before that rule, or edited by hand, is checked again. */
function httpsUrl(value: unknown): string | null {
  return typeof value === 'string' && URL.canParse(value) && new URL(value).protocol === 'https:' ? value : null;
}
