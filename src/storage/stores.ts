// Every store of one D1 database, built once per binding.
import { databaseFor } from './db';
import { cacheClients, type CachedClientStore } from './cached-clients';
import { createClientStore } from './clients';
import { createCodeStore } from './codes';
import { createDPoPProofStore } from './dpop-proofs';
import type { DPoPReplayStore } from '@portcullis/verify';
import { createConsentStore } from './consents';
import { createLoginThrottleStore } from './login-throttles';
import { createOriginStore } from './origins';
import { createRateLimitStore } from './rate-limits';
import { createRefreshTokenStore } from './refresh-tokens';
import { createSessionStore } from './sessions';
import { createUserStore } from './users';
import type {
  CodeStore,
  ConsentStore,
  LoginThrottleStore,
  OriginStore,
  RateLimitStore,
  RefreshTokenStore,
  SessionStore,
  UserStore,
} from './types';

export interface Stores {
  /** Read through an in-isolate cache (cached-clients.ts); `invalidate(id)` drops this isolate's copy. */
  clients: CachedClientStore;
  codes: CodeStore;
  refreshTokens: RefreshTokenStore;
  consents: ConsentStore;
  rateLimits: RateLimitStore;
  users: UserStore;
  sessions: SessionStore;
  loginThrottles: LoginThrottleStore;
  origins: OriginStore;
  /** DPoP proof identifiers seen (RFC 9449 §11.1), shared by every isolate. */
  dpopProofs: DPoPReplayStore;
}

const storesByBinding = new WeakMap<D1Database, Stores>();

export function storesFor(binding: D1Database): Stores {
  let stores = storesByBinding.get(binding);
  if (!stores) {
    const db = databaseFor(binding);
    stores = {
      clients: cacheClients(createClientStore(db)),
      codes: createCodeStore(db),
      refreshTokens: createRefreshTokenStore(db),
      consents: createConsentStore(db),
      rateLimits: createRateLimitStore(db),
      users: createUserStore(db),
      sessions: createSessionStore(db),
      loginThrottles: createLoginThrottleStore(db),
      origins: createOriginStore(db),
      dpopProofs: createDPoPProofStore(db),
    };
    storesByBinding.set(binding, stores);
  }
  return stores;
}
