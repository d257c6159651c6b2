// Every store of one D1 database, built once per binding.
import { createAssertionJtiStore } from './assertion-jtis';
import { databaseFor } from './db';
import { cacheClients, type CachedClientStore } from './cached-clients';
import { createClientStore } from './clients';
import { createCodeStore } from './codes';
import { createConsentStore } from './consents';
import { createDeviceAuthorizationStore } from './device-authorizations';
import { createLoginThrottleStore } from './login-throttles';
import { createOriginStore } from './origins';
import { createPushedAuthorizationRequestStore } from './pushed-requests';
import { createRateLimitStore } from './rate-limits';
import { createRefreshTokenStore } from './refresh-tokens';
import { createSessionStore } from './sessions';
import { createUserStore } from './users';
import type {
  AssertionJtiStore,
  CodeStore,
  ConsentStore,
  DeviceAuthorizationStore,
  LoginThrottleStore,
  OriginStore,
  PushedAuthorizationRequestStore,
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
  deviceAuthorizations: DeviceAuthorizationStore;
  assertionJtis: AssertionJtiStore;
  pushedRequests: PushedAuthorizationRequestStore;
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
      deviceAuthorizations: createDeviceAuthorizationStore(db),
      assertionJtis: createAssertionJtiStore(db),
      pushedRequests: createPushedAuthorizationRequestStore(db),
    };
    storesByBinding.set(binding, stores);
  }
  return stores;
}
