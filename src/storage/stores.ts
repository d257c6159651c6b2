// Every store of one D1 database, built once per binding.
import { createAssertionJtiStore } from './assertion-jtis';
import { createAuditEventStore } from './audit-events';
import { databaseFor, replicaDatabaseFor } from './db';
import { cacheClients, type CachedClientStore } from './cached-clients';
import { createClientStore } from './clients';
import { createCodeStore } from './codes';
import { createDPoPProofStore } from './dpop-proofs';
import type { DPoPReplayStore } from '@portcullis/verify';
import { createConsentStore } from './consents';
import { createDeviceAuthorizationStore } from './device-authorizations';
import { createLoginThrottleStore } from './login-throttles';
import { createOriginStore } from './origins';
import { createPasskeyStore } from './passkeys';
import { createPushedAuthorizationRequestStore } from './pushed-requests';
import { createRateLimitStore } from './rate-limits';
import { createRefreshTokenStore } from './refresh-tokens';
import { createRevokedGrantStore } from './revoked-grants';
import { createSessionStore } from './sessions';
import { createSigningKeyStore } from './signing-keys';
import { createUserStore } from './users';
import { createUpstreamIdentityStore, createUpstreamSignInStore } from './upstream-identities';
import { createWebAuthnChallengeStore } from './webauthn-challenges';
import { createEmailTokenStore } from './email-tokens';
import { createOutboxStore } from './outbox';
import { createUserEmailStore } from './user-emails';
import { createTwoFactorStore } from './two-factor';
import { createPendingSignInStore } from './pending-sign-ins';
import type {
  AssertionJtiStore,
  AuditEventStore,
  CodeStore,
  ConsentStore,
  DeviceAuthorizationStore,
  LoginThrottleStore,
  OriginStore,
  PasskeyStore,
  PushedAuthorizationRequestStore,
  RateLimitStore,
  RefreshTokenStore,
  RevokedGrantStore,
  SessionStore,
  SigningKeyStore,
  UserStore,
  UpstreamIdentityStore,
  UpstreamSignInStore,
  WebAuthnChallengeStore,
  EmailTokenStore,
  OutboxStore,
  UserEmailStore,
  TwoFactorStore,
  PendingSignInStore,
} from './types';

export interface Stores {
  /** Read through an in-isolate cache (cached-clients.ts); `invalidate(id)` drops this isolate's copy. */
  clients: CachedClientStore;
  codes: CodeStore;
  refreshTokens: RefreshTokenStore;
  revokedGrants: RevokedGrantStore;
  consents: ConsentStore;
  rateLimits: RateLimitStore;
  users: UserStore;
  sessions: SessionStore;
  loginThrottles: LoginThrottleStore;
  origins: OriginStore;
  deviceAuthorizations: DeviceAuthorizationStore;
  assertionJtis: AssertionJtiStore;
  pushedRequests: PushedAuthorizationRequestStore;
  /** DPoP proof identifiers seen (RFC 9449 §11.1), shared by every isolate. */
  dpopProofs: DPoPReplayStore;
  signingKeys: SigningKeyStore;
  auditEvents: AuditEventStore;
  /** Users read from a D1 replica (storage/db.ts replicaDatabaseFor): only where a replica's lag is harmless. */
  replicaUsers: Pick<UserStore, 'findById'>;
  upstreamIdentities: UpstreamIdentityStore;
  upstreamSignIns: UpstreamSignInStore;
  passkeys: PasskeyStore;
  webauthnChallenges: WebAuthnChallengeStore;
  /** Email addresses of users, their mailed links, and the development outbox (accounts/email-links.ts). */
  userEmails: UserEmailStore;
  emailTokens: EmailTokenStore;
  outbox: OutboxStore;
  /** TOTP authenticators and recovery codes. */
  twoFactor: TwoFactorStore;
  /** Sign-ins waiting for their second factor. */
  pendingSignIns: PendingSignInStore;
}

const storesByBinding = new WeakMap<D1Database, Stores>();

export function storesFor(binding: D1Database): Stores {
  let stores = storesByBinding.get(binding);
  if (!stores) {
    const db = databaseFor(binding);
    stores = {
      clients: cacheClients(createClientStore(db), { replica: createClientStore(replicaDatabaseFor(binding)) }),
      codes: createCodeStore(db),
      refreshTokens: createRefreshTokenStore(db),
      revokedGrants: createRevokedGrantStore(db),
      consents: createConsentStore(db),
      rateLimits: createRateLimitStore(db),
      users: createUserStore(db),
      sessions: createSessionStore(db),
      loginThrottles: createLoginThrottleStore(db),
      origins: createOriginStore(db),
      deviceAuthorizations: createDeviceAuthorizationStore(db),
      assertionJtis: createAssertionJtiStore(db),
      pushedRequests: createPushedAuthorizationRequestStore(db),
      dpopProofs: createDPoPProofStore(db),
      signingKeys: createSigningKeyStore(db),
      auditEvents: createAuditEventStore(db),
      replicaUsers: createUserStore(replicaDatabaseFor(binding)),
      upstreamIdentities: createUpstreamIdentityStore(db),
      upstreamSignIns: createUpstreamSignInStore(db),
      passkeys: createPasskeyStore(db),
      webauthnChallenges: createWebAuthnChallengeStore(db),
      userEmails: createUserEmailStore(db),
      emailTokens: createEmailTokenStore(db),
      outbox: createOutboxStore(db),
      twoFactor: createTwoFactorStore(db),
      pendingSignIns: createPendingSignInStore(db),
    };
    storesByBinding.set(binding, stores);
  }
  return stores;
}
