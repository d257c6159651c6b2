// Who registered a client (clients.registrant): an address under the open policy, the initial access token, a
// published metadata document; and whether that makes it an open registration (a scope default, not a ceiling).
import type { Client } from '../storage/types';
import { METADATA_DOCUMENT_REGISTRANT } from './client-id-metadata-document';

export const ADDRESS_REGISTRANT_PREFIX = 'ip:';

/**
 * Registered by anyone: under the `open` policy, or by publishing a metadata document; not by the operator, a
 * developer page or the admin CLI.
 */
export function isOpenRegistration(client: Pick<Client, 'registrant'>): boolean {
  if (client.registrant === METADATA_DOCUMENT_REGISTRANT) return true;
  return client.registrant?.startsWith(ADDRESS_REGISTRANT_PREFIX) ?? false;
}
