// The Hono environment shared by every route: bindings plus what middleware puts on the context.
import type { Bindings } from '../env';
import type { Config } from '../config';
import type { KeyRing } from '../tokens/keys';
import type { Stores } from '../storage/stores';
import type { Client } from '../storage/types';
import type { RequestParams } from '../oauth/params';

export interface AppVariables {
  config: Config;
  /** The issuer identifier for this request: ISSUER, or the request origin in development. */
  issuer: string;
  keys: KeyRing;
  stores: Stores;
  /** Set by readForm once the body is parsed, so it is parsed once. */
  params: RequestParams;
  /** Set by the client-auth middleware. */
  client: Client;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: AppVariables;
}
