// What a client-authentication method is (RFC 6749 §2.3): how it finds its credentials in a request, and how it
// checks them against the client's record. The registry (index.ts) maps token_endpoint_auth_method to one.
import type { CachedClientStore } from '../../storage/cached-clients';
import type { Client, TokenEndpointAuthMethod } from '../../storage/types';
import type { RequestParams } from '../params';

/** The parts of a request client credentials travel in. */
export interface ClientAuthRequest {
  authorization: string | undefined;
  params: RequestParams;
}

/** What the checks may use besides the client record. */
export interface ClientAuthContext {
  clients: CachedClientStore;
}

export interface PresentedClientCredentials {
  method: TokenEndpointAuthMethod;
  clientId: string;
  /**
   * Whether these credentials prove `client`. Called with null for an unknown client id, and then costs what a
   * wrong credential costs, so timing does not tell which ids exist.
   */
  proves(client: Client | null, context: ClientAuthContext): Promise<boolean>;
}

export interface ClientAuthMethod {
  /** Whether the request uses this method at all (its header or form field is there), complete or not. */
  isUsedBy(request: ClientAuthRequest): boolean;
  /** This method's credentials in a request that uses it; undefined when incomplete; throws when malformed. */
  find(request: ClientAuthRequest): PresentedClientCredentials | undefined;
  /** The WWW-Authenticate challenge of a failure, for methods that use the Authorization header (RFC 6749 §5.2). */
  challenge?: string;
}
