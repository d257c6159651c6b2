// Store interfaces and the domain records they return. oauth/ sees only these, never Drizzle or D1.

export type ClientType = 'confidential' | 'public';
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface Client {
  id: string;
  name: string;
  type: ClientType;
  /** SHA-256 of the secret (tokens/opaque.ts); null for public clients. */
  secretHash: string | null;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  redirectUris: string[];
  grantTypes: string[];
  responseTypes: string[];
  /** Origins allowed to call the token endpoint from a browser (our RFC 7591 extension `allowed_origins`). */
  allowedOrigins: string[];
  /** Scopes the client may request. */
  scopes: string[];
  /** The other RFC 7591 §2 metadata, as registered. */
  metadata: Record<string, unknown>;
  registrationTokenHash: string | null;
  createdAt: number;
  updatedAt: number;
}

/** Clients by id. Returns null when nothing is found; throws only when storage fails. */
export interface ClientStore {
  findById(id: string): Promise<Client | null>;
  create(client: Client): Promise<void>;
}
