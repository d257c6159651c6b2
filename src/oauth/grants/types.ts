// What every grant handler receives and returns at the token endpoint (RFC 6749 §5.1).
import type { Config } from '../../config';
import type { KeyRing } from '../../tokens/keys';
import type { Client } from '../../storage/types';
import type { Stores } from '../../storage/stores';
import type { Auditor } from '../audit';
import type { RequestParams } from '../params';
import type { TokenResponse } from '../token-response';

export interface GrantContext {
  params: RequestParams;
  client: Client;
  issuer: string;
  config: Config;
  keys: KeyRing;
  stores: Stores;
  /** The caller's address (http/client-address.ts), for the login throttle of the password grant; undefined when unknown. */
  clientIp: string | undefined;
  /** The JWK thumbprint of the request's verified DPoP proof (RFC 9449 §5); undefined without one. */
  dpopJkt: string | undefined;
  /** Records audit events of this request (sign-ins of the password grant, refresh-token reuse). */
  audit: Auditor;
}

export interface Grant {
  /** Whether public clients (token_endpoint_auth_method `none`) may use this grant. */
  allowsPublicClients: boolean;
  handle(context: GrantContext): Promise<TokenResponse>;
}
