// The check shared by the methods that present the client secret itself (client_secret_basic, client_secret_post):
// compare its hash with the stored one in constant time (RFC 6749 §2.3.1, §10.1).
import type { Client } from '../../storage/types';
import { opaqueTokenMatches } from '../../tokens/opaque';

// Compared against when the client does not exist, so an unknown id costs the same as a wrong secret. It has the
// length of a real hash, and no secret hashes to it.
const UNKNOWN_CLIENT_HASH = 'A'.repeat(43);

export function clientSecretMatches(secret: string, client: Client | null): Promise<boolean> {
  return opaqueTokenMatches(secret, client?.secretHash ?? UNKNOWN_CLIENT_HASH);
}
