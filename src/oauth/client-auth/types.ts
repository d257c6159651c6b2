// What a client-authentication method is (RFC 6749 §2.3): how it finds its credentials in a request, and how it
// checks them against the client's record. The registry (index.ts) maps token_endpoint_auth_method to one.
import type { CachedClientStore } from '../../storage/cached-clients';
import type { AssertionJtiStore, Client, TokenEndpointAuthMethod } from '../../storage/types';
import type { SecretBox } from '../../tokens/secret-box';
import type { ClientKeySource } from '../client-jwks';
import type { FailureCounter } from '../authentication-failures';
import type { RequestParams } from '../params';

/** The parts of a request client credentials travel in. */
export interface ClientAuthRequest {
  authorization: string | undefined;
  params: RequestParams;
}

/** What the checks may use besides the client record. */
export interface ClientAuthContext {
  clients: CachedClientStore;
  failures: FailureCounter;
  /** The issuer identifier: what a client assertion's `aud` must name (RFC 7523 §3). */
  issuer: string;
  assertionJtis: AssertionJtiStore;
  clientKeys: ClientKeySource;
  /** Opens client_secret_jwt secrets; undefined when CLIENT_SECRET_ENCRYPTION_KEY is not set (the method is off). */
  secretBox: SecretBox | undefined;
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
  /** Whether clients of this method are issued a client secret (stored hashed; for client_secret_jwt also sealed). */
  usesSecret: boolean;
  /** Whether the request uses this method at all (its header or form field is there), complete or not. */
  isUsedBy(request: ClientAuthRequest): boolean;
  /** This method's credentials in a request that uses it; undefined when incomplete; throws when malformed. */
  find(request: ClientAuthRequest): PresentedClientCredentials | undefined;
  /** The WWW-Authenticate challenge of a failure, for methods that use the Authorization header (RFC 6749 §5.2). */
  challenge?: string;
}
