// Store interfaces and the domain records they return. oauth/ sees only these, never Drizzle or D1.

export type ClientType = 'confidential' | 'public';
export type TokenEndpointAuthMethod =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'client_secret_jwt'
  | 'private_key_jwt'
  | 'none';

export interface Client {
  id: string;
  name: string;
  type: ClientType;
  /** SHA-256 of the secret (tokens/opaque.ts); null for public clients. */
  secretHash: string | null;
  /** client_secret_jwt only: the secret sealed with AES-GCM (tokens/secret-box.ts); absent or null otherwise. */
  secretCiphertext?: string | null;
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
  /** SHA-256 of the RFC 7592 registration access token; null for clients not registered dynamically. */
  registrationTokenHash: string | null;
  /** Who registered the client dynamically (`ip:<address>`, `token:<hash prefix>`); counted by the registrant cap. */
  registrant: string | null;
  /** The user who owns the client on the developer pages (issue 4); null when none does. */
  ownerUserId: string | null;
  createdAt: number;
  updatedAt: number;
}

/** Clients by id. Returns null when nothing is found; throws only when storage fails. */
export interface ClientStore {
  findById(id: string): Promise<Client | null>;
  create(client: Client): Promise<void>;
  /** Replaces every stored field of the client with this id. */
  update(client: Client): Promise<void>;
  /** Deletes the client; its codes, refresh tokens and consents go with it (ON DELETE CASCADE). False if none. */
  delete(id: string): Promise<boolean>;
  /** How many clients this registrant has registered (the per-registrant cap of RFC 7591 registration). */
  countByRegistrant(registrant: string): Promise<number>;
  /** The clients a user owns (the developer pages), oldest first. */
  listByOwner(ownerUserId: string): Promise<Client[]>;
  /** Every client, oldest first (the admin command line). */
  list(): Promise<Client[]>;
}

/** The origins some client lists in `allowed_origins`, for CORS preflights; may lag a change by its cache TTL. */
export interface OriginStore {
  isAllowedForSomeClient(origin: string): Promise<boolean>;
}

/** Fixed-window counters shared by every isolate (D1). */
export interface RateLimitStore {
  /**
   * Counts one hit on `key` in one atomic statement: a window older than `windowSeconds` restarts at `now`.
   * Returns the count in the current window (this hit included) and when that window started.
   */
  hit(key: string, windowSeconds: number, now: number): Promise<{ count: number; windowStartedAt: number }>;
}

/** An authorization code (RFC 6749 §4.1.2) as stored: only its hash, bound to everything the request said. */
export interface AuthorizationCode {
  codeHash: string;
  /** Shared by every token issued from this code, so a replayed code can revoke them. */
  grantId: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  /** RFC 8707 resources requested at the authorization endpoint. */
  resources: string[];
  /** RFC 7636; only S256 is accepted, so the method is S256 whenever a challenge is present. */
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | null;
  nonce: string | null;
  /** RFC 9449 §10: the JWK thumbprint of the DPoP key this code is bound to; absent when unbound. */
  dpopJkt?: string | null;
  /** The OIDC `claims` request parameter (Core §5.5); absent or null when none was sent. */
  claims?: RequestedClaims | null;
  /** When the user authenticated (OIDC `auth_time`), epoch seconds. */
  authTime: number;
  /** How the user signed in (OIDC `amr`); absent or null: stored before methods were recorded (a password). */
  amr?: string[] | null;
  createdAt: number;
  expiresAt: number;
  consumedAt: number | null;
}

/** What a token request asks of a stored grant (a code or a refresh token) before it may be spent. */
export interface GrantRequest {
  /** The authenticated client: a grant is bound to the client it was issued to (RFC 6749 §10.4, §4.1.3). */
  clientId: string;
  /** Scopes the request narrows to; each must be in the grant's scope (RFC 6749 §6). Empty: the whole scope. */
  scopes: readonly string[];
  /** The request's `resource` parameters; each must be among the grant's resources (RFC 8707 §2.2). */
  resources: readonly string[];
  /** The resources this issuer serves: a requested one must be among them, and without any, every granted one. */
  knownResources: readonly string[];
  /**
   * The JWK thumbprint of the request's DPoP proof, null without one: a grant bound to a key (`dpop_jkt`) is spent
   * only with a proof of that key (RFC 9449 §5.0, §10). Absent: as null.
   */
  dpopJkt?: string | null;
}

/** When a grant's scope earns a refresh token: with `grantedBy` always, else only without `withheldBy`. */
export interface RefreshTokenScopeRule {
  grantedBy: string;
  withheldBy: string;
}

/** An authorization code exchange (RFC 6749 §4.1.3): what must match for it to succeed, and what it then stores. */
export interface CodeExchange extends GrantRequest {
  /** Must equal the redirect_uri of the authorization request. */
  redirectUri: string;
  /** S256 of the well-formed code_verifier sent (RFC 7636 §4.6), or null when none (or a malformed one) was sent. */
  verifierChallenge: string | null;
  /** A code issued without a challenge may be redeemed: a confidential client that sent no verifier. */
  allowsNoChallenge: boolean;
  /**
   * The first refresh token of the grant, stored only if the exchange succeeds and the code's scope earns one;
   * the rest of the row (grant, user, scope, resources, auth time) comes from the code. Null: none is due.
   */
  refreshToken: FirstRefreshToken | null;
}

/**
 * The first refresh token of a new family, written by the batch that spends the grant (a code, a device
 * authorization) only if that succeeds and the grant's scope earns one; the rest of the row (user, scope, resources,
 * auth time) comes from the spent grant.
 */
export interface FirstRefreshToken {
  tokenHash: string;
  expiresAt: number;
  grantExpiresAt: number;
  scopeRule: RefreshTokenScopeRule;
  /** RFC 9449 §5.0: the DPoP key a public client's refresh token is bound to; absent or null when unbound. */
  dpopJkt?: string | null;
}

/** How one claim was requested in the `claims` parameter (OIDC Core §5.5.1): `null` there becomes `{}`. */
export interface ClaimRequest {
  essential?: boolean;
  value?: unknown;
  values?: unknown[];
}

/** The `claims` request parameter (OIDC Core §5.5): the claims asked for, by where they are to be returned. */
export interface RequestedClaims {
  userinfo?: Record<string, ClaimRequest>;
  idToken?: Record<string, ClaimRequest>;
}

/** The outcome of redeeming a code: redeemed now, used before (a replay), or never issued. */
export type CodeRedemption =
  | {
      status: 'redeemed';
      code: AuthorizationCode;
      /** The code's user as the exchange found them (null if deleted since). */
      user: User | null;
      /** Whether the exchange's refresh token was stored: every check passed and one was due. */
      refreshTokenStored: boolean;
    }
  | { status: 'replayed'; code: AuthorizationCode }
  | { status: 'unknown' };

/** The scopes a user grants a client, as recorded by ConsentStore.upsert. */
export interface ConsentGrant {
  userId: string;
  clientId: string;
  scopes: string[];
}

/** Authorization codes by hash. */
export interface CodeStore {
  /**
   * Stores a code. With `consent`, also records the consent the user just gave for it (as ConsentStore.upsert does, at
   * the code's createdAt) in the same transaction, so a failure leaves neither.
   */
  create(code: AuthorizationCode, consent?: ConsentGrant): Promise<void>;
  /**
   * Redeems a code in one round trip (one D1 batch): marks it consumed, so of two concurrent redemptions exactly one
   * succeeds; on a replay revokes the refresh tokens issued from it (RFC 6749 §4.1.2); and only when every check of
   * the exchange passes stores its first refresh token. A failed check still spends the code.
   */
  consume(codeHash: string, exchange: CodeExchange, nowSeconds: number): Promise<CodeRedemption>;
  /** Deletes the codes one user's authorizations gave one client that are not redeemed yet (a withdrawn grant). */
  deleteUnredeemed(userId: string, clientId: string): Promise<void>;
}

/** A refresh token (RFC 6749 §6) as stored: only its hash. Tokens of one family share `grantId`. */
export interface RefreshToken {
  tokenHash: string;
  grantId: string;
  clientId: string;
  /** Null for tokens not issued to a person. */
  userId: string | null;
  /** The scope of the grant; a refresh may narrow the access token's scope, never this one (RFC 6749 §6). */
  scopes: string[];
  resources: string[];
  /** The `claims` request of the authorization that began the family, for its later ID Tokens; absent or null: none. */
  claims?: RequestedClaims | null;
  authTime: number | null;
  /** The sign-in methods of the grant (OIDC `amr`); absent or null: a password, or not a person's grant. */
  amr?: string[] | null;
  createdAt: number;
  /** Idle expiry of this token, never later than `grantExpiresAt`. */
  expiresAt: number;
  /** Absolute expiry of the family, carried over on rotation. */
  grantExpiresAt: number;
  rotatedAt: number | null;
  revokedAt: number | null;
  /** RFC 9449 §5.0: the JWK thumbprint of the DPoP key a public client's token is bound to; absent when unbound. */
  dpopJkt?: string | null;
}

/** A rotation: what the request asks of the presented token, and the successor's hash and idle lifetime. */
export interface RefreshTokenRotation extends GrantRequest {
  successorHash: string;
  /** The successor expires this long after now, never after its family's end. */
  idleTtlSeconds: number;
  /** For this long after its rotation, a token may be rotated again into a sibling successor (0: never). */
  reuseIntervalSeconds: number;
}

export interface RefreshTokenRotationResult {
  rotated: boolean;
  /** The presented token as it stood before this request (null if unknown), for the handler to name a refusal. */
  token: RefreshToken | null;
  /** Its user (null when it has none, or they were deleted). */
  user: User | null;
}

/** Refresh tokens by hash and by family. Revocations keep the time of the first one. */
export interface RefreshTokenStore {
  create(token: RefreshToken): Promise<void>;
  findByHash(tokenHash: string): Promise<RefreshToken | null>;
  /**
   * Rotates a refresh token in one round trip (one D1 batch): only if the token is usable, bound to the request's
   * client, covers the request and its user is active, marks it rotated and stores its successor (which keeps its
   * grant, user, scope, resources, auth time and family end), so of concurrent uses exactly one wins. Within the
   * reuse interval after its rotation, the token is spendable again under the same conditions: each such use stores
   * a sibling successor and keeps the first rotation time. A token of this client presented after its rotation and
   * that interval revokes its whole family, and nothing else (RFC 9700 §4.14.2). Anything else that fails changes
   * nothing.
   */
  rotate(tokenHash: string, rotation: RefreshTokenRotation, nowSeconds: number): Promise<RefreshTokenRotationResult>;
  /** Revokes every token of a family (a replayed code, a reused refresh token, RFC 7009 revocation). */
  revokeGrant(grantId: string, nowSeconds: number): Promise<void>;
  revokeByClient(clientId: string, nowSeconds: number): Promise<void>;
  revokeByUser(userId: string, nowSeconds: number): Promise<void>;
  /** Revokes the tokens one user's grants gave one client (the user withdrew their authorization). */
  revokeByUserAndClient(userId: string, clientId: string, nowSeconds: number): Promise<void>;
}

/**
 * Grants whose access tokens the issuer's own endpoints refuse (userinfo, introspection), looked up by the
 * `grant_id` claim of an access token. Resource servers verifying tokens locally cannot see this.
 */
export interface RevokedGrantStore {
  /** Records the grant revoked until `expiresAt`, when the last access token issued from it has expired. */
  revoke(grantId: string, nowSeconds: number, expiresAt: number): Promise<void>;
  /** Whether the grant was revoked: recorded here, or its refresh token family revoked. One statement. */
  isRevoked(grantId: string): Promise<boolean>;
}

/** The scopes a user granted a client, remembered so a request for the same or fewer skips the consent page. */
export interface Consent {
  userId: string;
  clientId: string;
  scopes: string[];
  createdAt: number;
  updatedAt: number;
}

/** A consent with the name of its client, for the list of a user's authorizations. */
export interface GrantedConsent extends Consent {
  clientName: string;
}

export interface ConsentStore {
  find(userId: string, clientId: string): Promise<Consent | null>;
  /** The clients this user has granted access to, most recently granted first. */
  listByUser(userId: string): Promise<GrantedConsent[]>;
  /** Records the granted scopes, replacing any earlier consent of this user for this client. */
  upsert(consent: ConsentGrant, nowSeconds: number): Promise<void>;
  delete(userId: string, clientId: string): Promise<void>;
}

/** A person who signs in. `username` is lower-case; `passwordHash` is in accounts/password-hash.ts's format. */
export interface User {
  id: string;
  username: string;
  email: string | null;
  emailVerified: boolean;
  passwordHash: string;
  isAdmin: boolean;
  disabled: boolean;
  name: string | null;
  givenName: string | null;
  familyName: string | null;
  nickname: string | null;
  picture: string | null;
  website: string | null;
  locale: string | null;
  zoneinfo: string | null;
  /** When the profile fields last changed (OIDC `updated_at`); null until first saved. */
  profileUpdatedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** The OIDC Core §5.1 profile fields a user edits on /account. */
export type UserProfile = Pick<
  User,
  'name' | 'givenName' | 'familyName' | 'nickname' | 'picture' | 'website' | 'locale' | 'zoneinfo'
>;

/** The profile of a user who has not filled it in. */
export const NO_PROFILE: UserProfile & Pick<User, 'profileUpdatedAt'> = {
  name: null,
  givenName: null,
  familyName: null,
  nickname: null,
  picture: null,
  website: null,
  locale: null,
  zoneinfo: null,
  profileUpdatedAt: null,
};

/** A user to insert: the profile fields may be left out (null). */
export type NewUser = Omit<User, keyof UserProfile | 'profileUpdatedAt'> & Partial<User>;

/** Users by id and by username (matched case-insensitively). */
export interface UserStore {
  findById(id: string): Promise<User | null>;
  findByUsername(username: string): Promise<User | null>;
  /** Inserts the user with a lower-cased username; false, and nothing written, when the username is taken. */
  create(user: NewUser): Promise<boolean>;
  updatePasswordHash(id: string, passwordHash: string, nowSeconds: number): Promise<void>;
  setDisabled(id: string, disabled: boolean, nowSeconds: number): Promise<void>;
  /** Replaces the user's profile fields and stamps `profileUpdatedAt`. */
  updateProfile(id: string, profile: UserProfile, nowSeconds: number): Promise<void>;
  /** Every user, by username (the admin command line). */
  list(): Promise<User[]>;
}

/** A live browser session with its user (who may be disabled: callers decide). */
export interface ActiveSession {
  user: User;
  /** When the user last signed in (OIDC `auth_time`), epoch seconds. */
  authTime: number;
  /** How they signed in (RFC 8176 method values: OIDC `amr`). */
  amr: string[];
  expiresAt: number;
}

/** Browser sessions keyed by a random token of which only the SHA-256 is stored. */
export interface SessionStore {
  /** Stores a new session and returns its token, the cookie value, which exists nowhere else. */
  create(session: {
    userId: string;
    authTime: number;
    /** How they signed in; absent: a password (the column's default). */
    amr?: readonly string[];
    nowSeconds: number;
    ttlSeconds: number;
    /** The throttle settlement of the sign-in that starts it, written in the same D1 batch. */
    settlement?: LoginSettlement;
  }): Promise<{ token: string; expiresAt: number }>;
  /** The unexpired session for this token, with its user; null when unknown or expired. */
  findActive(token: string, nowSeconds: number): Promise<ActiveSession | null>;
  /** Returns the user whose session it was, or null when there was none. */
  delete(token: string): Promise<string | null>;
  /** Ends every session of a user (a password reset signs them out everywhere). */
  deleteByUser(userId: string): Promise<void>;
}

/** How many failures within a window lock a key, and for how long. */
export interface LoginThrottlePolicy {
  maxFailures: number;
  windowSeconds: number;
  lockSeconds: number;
}

/** What one reservation saw: the key's attempt count including it, and a lock in force (or null). */
export interface LoginReservation {
  attempts: number;
  lockedUntil: number | null;
}

/**
 * Sign-in attempt counters shared by every isolate (D1), keyed `user:<username>` or `ip:<address>`. An attempt is
 * reserved before its password is checked; a success clears or releases it, a failure leaves it counted.
 */
export interface LoginThrottleStore {
  /** Counts one attempt against each key, each in one atomic statement, and returns what each key now holds. */
  reserve(keys: Array<{ key: string; policy: LoginThrottlePolicy }>, nowSeconds: number): Promise<LoginReservation[]>;
  /**
   * As `reserve`, and in the same D1 batch (one round trip) the user with this canonical username, null when none
   * or when `username` is null: the sign-in's reservation and its lookup are independent of each other.
   */
  reserveAndFindUser(
    keys: Array<{ key: string; policy: LoginThrottlePolicy }>,
    username: string | null,
    nowSeconds: number,
  ): Promise<{
    reservations: LoginReservation[];
    user: User | null;
    /** Whether that user has a confirmed second factor (two-factor codes): a password alone does not sign them in. */
    secondFactor: boolean;
  }>;
  /** Locks the key until `untilSeconds` (a later lock already in force is kept). */
  lock(key: string, untilSeconds: number): Promise<void>;
  /** Settles a sign-in that succeeded, in one D1 batch (a session start does it in its own batch instead). */
  settle(settlement: LoginSettlement): Promise<void>;
  /** The latest lock end among these keys still in force at `nowSeconds`, or null when none is locked. */
  lockedUntil(keys: string[], nowSeconds: number): Promise<number | null>;
}

/** What a sign-in that succeeded takes back from the throttle: keys to forget, and keys to take one attempt back from. */
export interface LoginSettlement {
  clear: string[];
  release: string[];
}

/** A device authorization (RFC 8628 §3.2) as stored: its codes only as hashes. */
export interface DeviceAuthorization {
  deviceCodeHash: string;
  userCodeHash: string;
  clientId: string;
  scopes: string[];
  resources: string[];
  status: 'pending' | 'approved' | 'denied';
  userId: string | null;
  authTime: number | null;
  amr: string[] | null;
  pollIntervalSeconds: number;
  lastPolledAt: number | null;
  createdAt: number;
  expiresAt: number;
  consumedAt: number | null;
}

/** The user's answer on the /device page. */
export type DeviceDecision =
  | { status: 'approved'; userId: string; authTime: number; amr: readonly string[] }
  | { status: 'denied'; userId: string };

/** Device authorizations by device code hash (the client's side) and user code hash (the user's side). */
export interface DeviceAuthorizationStore {
  create(authorization: DeviceAuthorization): Promise<void>;
  findByUserCode(userCodeHash: string): Promise<DeviceAuthorization | null>;
  /** Settles a pending, unexpired authorization in one statement; false when it was no longer pending. */
  decide(userCodeHash: string, decision: DeviceDecision, nowSeconds: number): Promise<boolean>;
  /**
   * One poll of the token endpoint (RFC 8628 §3.4), in one D1 batch: a pending authorization of this client records
   * the poll and its interval (longer by `slowDownStepSeconds` when it came too soon); an approved, unspent and
   * unexpired one of this client is spent, and the grant's first refresh token stored when every check passes.
   * Returns the authorization as it stood before the batch, for the caller to judge.
   */
  poll(deviceCodeHash: string, poll: DevicePoll, nowSeconds: number): Promise<DevicePollOutcome>;
}

/** What one device-code poll checks and, when it redeems the authorization, stores. */
export interface DevicePoll extends GrantRequest {
  /** RFC 8628 §3.5: added to the interval when the poll came sooner than the interval allows. */
  slowDownStepSeconds: number;
  /** The id of the grant a redemption starts (a device authorization has none before). */
  grantId: string;
  refreshToken: FirstRefreshToken | null;
}

export interface DevicePollOutcome {
  /** The authorization before this poll; null when the device code is unknown. */
  authorization: DeviceAuthorization | null;
  /** This poll spent the authorization: of concurrent polls, exactly one does. */
  redeemed: boolean;
  /** The user who decided, when one did. */
  user: User | null;
  refreshTokenStored: boolean;
}

/** The `jti` values of client assertions already used (RFC 7523 §3), until they expire. */
export interface AssertionJtiStore {
  /** Records `jti` for the client in one atomic insert; false when it was already used. */
  useOnce(clientId: string, jti: string, expiresAt: number): Promise<boolean>;
}

/** A pushed authorization request (RFC 9126 §2) as stored: its request_uri only as a hash. */
export interface PushedAuthorizationRequest {
  requestUriHash: string;
  clientId: string;
  parameters: string;
  createdAt: number;
  expiresAt: number;
  firstUsedAt: number | null;
  consumedAt: number | null;
}

export interface PushedAuthorizationRequestStore {
  create(request: PushedAuthorizationRequest): Promise<void>;
  /**
   * The unexpired, unconsumed request of this client; its first use sets firstUsedAt and moves expiresAt to
   * `interactionEndsAt`, in one statement, so a request_uri that has expired unused cannot be revived.
   */
  use(
    requestUriHash: string,
    clientId: string,
    nowSeconds: number,
    interactionEndsAt: number,
  ): Promise<PushedAuthorizationRequest | null>;
  /** Marks it consumed (a code was issued or the user denied); false when it already was. */
  consume(requestUriHash: string, nowSeconds: number): Promise<boolean>;
}

/** A managed signing key (oauth/managed-keys.ts); the private JWK only as AES-GCM ciphertext. */
export interface StoredSigningKey {
  kid: string;
  alg: 'ES256' | 'RS256';
  rotation: number;
  publicJwk: Record<string, unknown>;
  encryptedPrivateJwk: string;
  createdAt: number;
  activatesAt: number;
  revokedAt: number | null;
  rotationRequestedAt: number | null;
}

/** Managed signing keys. A handful of rows: they are always read whole. */
export interface SigningKeyStore {
  list(): Promise<StoredSigningKey[]>;
  /** Stores one rotation's keys, all or none; false when that rotation number was taken (another isolate won). */
  insertRotation(keys: StoredSigningKey[]): Promise<boolean>;
  /** False when no such key, or it was revoked already. */
  revoke(kid: string, nowSeconds: number): Promise<boolean>;
  /** Marks the newest rotation for replacement (the Worker generates the keys); false when there is none. */
  requestRotation(nowSeconds: number): Promise<boolean>;
  /** Deletes every key of the given rotations (ones that left the JWKS long ago). */
  deleteRotations(rotations: number[]): Promise<number>;
}

/** One audit event as stored (oauth/audit.ts builds them). */
export interface AuditEvent {
  id: string;
  at: number;
  type: string;
  outcome: 'success' | 'failure';
  userId: string | null;
  clientId: string | null;
  clientAddress: string | null;
  userAgent: string | null;
  details: Record<string, unknown> | null;
}

export interface AuditEventFilter {
  type?: string | undefined;
  outcome?: AuditEvent['outcome'] | undefined;
  userId?: string | undefined;
  clientId?: string | undefined;
  /** Events at or after this time (epoch seconds). */
  since?: number | undefined;
  limit: number;
}

/** Audit events: appended, listed newest first, purged by age. */
export interface AuditEventStore {
  record(events: AuditEvent[]): Promise<void>;
  list(filter: AuditEventFilter): Promise<AuditEvent[]>;
  /** Deletes events older than `before`; returns how many went. */
  purgeBefore(before: number): Promise<number>;
}

/** A local user's link to an account at an upstream OpenID provider: (issuer, subject), unique. */
export interface UpstreamIdentity {
  id: string;
  userId: string;
  /** The UPSTREAM_PROVIDERS key it was linked through. */
  providerId: string;
  issuer: string;
  subject: string;
  createdAt: number;
}

/** Upstream identities; the unique (issuer, subject) index decides races. */
export interface UpstreamIdentityStore {
  find(issuer: string, subject: string): Promise<UpstreamIdentity | null>;
  listByUser(userId: string): Promise<UpstreamIdentity[]>;
  /** False, and nothing written, when (issuer, subject) is linked already (to this user or another). */
  create(identity: UpstreamIdentity): Promise<boolean>;
  /**
   * Creates the user and links the identity in one batch; false, and nothing written, when the username is taken
   * or the identity was linked meanwhile.
   */
  createWithUser(user: NewUser, identity: UpstreamIdentity): Promise<boolean>;
  /** Deletes the user's link to the provider; false when there was none. */
  delete(userId: string, providerId: string): Promise<boolean>;
}

/** A sign-in sent to an upstream provider and not yet back (oauth/upstream/relying-party.ts). */
export interface PendingUpstreamSignIn {
  providerId: string;
  returnTo: string;
  /** The account a link is for; null for a sign-in. */
  linkUserId: string | null;
}

/** Pending upstream sign-ins, keyed by the hash of their `state`; consumed once. */
export interface UpstreamSignInStore {
  create(stateHash: string, signIn: PendingUpstreamSignIn, expiresAt: number): Promise<void>;
  /** Deletes and returns the unexpired sign-in with this state hash, in one statement; null when none. */
  consume(stateHash: string, nowSeconds: number): Promise<PendingUpstreamSignIn | null>;
}

/** What a mailed link is for (accounts/email-links.ts). */
export type EmailTokenPurpose = 'verify_email' | 'reset_password';

/** A mailed single-use link as stored: the token only as its SHA-256. */
export interface EmailToken {
  tokenHash: string;
  userId: string;
  purpose: EmailTokenPurpose;
  /** The address the link went to. */
  email: string;
  createdAt: number;
  expiresAt: number;
}

/** Mailed single-use links by token hash. */
export interface EmailTokenStore {
  create(token: EmailToken): Promise<void>;
  /** The unexpired token of this purpose, left in place (a page showing the form it leads to). */
  find(tokenHash: string, purpose: EmailTokenPurpose, nowSeconds: number): Promise<EmailToken | null>;
  /** Deletes and returns the unexpired token of this purpose in one statement; null when absent, used or expired. */
  consume(tokenHash: string, purpose: EmailTokenPurpose, nowSeconds: number): Promise<EmailToken | null>;
  /** Deletes every outstanding token of this purpose of the user (a new address, a finished reset). */
  deleteByUser(userId: string, purpose: EmailTokenPurpose): Promise<void>;
}

/** One message kept by the development outbox. */
export interface OutboxMessage {
  id: string;
  to: string;
  subject: string;
  text: string;
  createdAt: number;
}

/** The development outbox: messages appended, listed newest first. */
export interface OutboxStore {
  record(message: OutboxMessage): Promise<void>;
  listRecent(limit: number): Promise<OutboxMessage[]>;
}

/** The email address of users (storage/user-emails.ts): changed, verified, and looked up for password reset. */
export interface UserEmailStore {
  /** Enabled users whose verified address is `email` (compared case-insensitively), at most `limit`. */
  findByVerifiedEmail(email: string, limit: number): Promise<User[]>;
  /** Sets a new address (or none) and marks it unverified. */
  updateEmail(id: string, email: string | null, nowSeconds: number): Promise<void>;
  /** Marks the address verified, only while it is still `email`; false when it changed meanwhile. */
  markEmailVerified(id: string, email: string, nowSeconds: number): Promise<boolean>;
}

/** A user's WebAuthn credential (a passkey), as stored (storage/passkeys.ts). */
export interface Passkey {
  /** The credential id, base64url. */
  id: string;
  userId: string;
  name: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  counter: number;
  /** AuthenticatorTransport values the browser reported (`internal`, `hybrid`, `usb`, …). */
  transports: string[];
  /** WebAuthn §6.1 flags BE and BS: the credential may be, and is, synced (backed up). */
  backupEligible: boolean;
  backedUp: boolean;
  createdAt: number;
  lastUsedAt: number | null;
}

/** Passkeys by credential id and by user; every change of one is scoped to its user, so no user touches another's. */
export interface PasskeyStore {
  /** False, and nothing written, when the credential id is registered already. */
  create(passkey: Passkey): Promise<boolean>;
  findById(id: string): Promise<Passkey | null>;
  /** The user's passkeys, oldest first. */
  listByUser(userId: string): Promise<Passkey[]>;
  /** Records a sign-in: the new counter and backup state, and when. */
  recordUse(id: string, use: { counter: number; backedUp: boolean; nowSeconds: number }): Promise<void>;
  /** False when the user has no passkey with this id. */
  rename(userId: string, id: string, name: string): Promise<boolean>;
  /** False when the user has no passkey with this id. */
  delete(userId: string, id: string): Promise<boolean>;
  /** Deletes it only while the user has another passkey, decided in the one statement; false when nothing went. */
  deleteUnlessLast(userId: string, id: string): Promise<boolean>;
}

/** What a pending WebAuthn ceremony was started for (storage/webauthn-challenges.ts). */
export interface WebAuthnCeremony {
  purpose: 'register' | 'sign-up' | 'sign-in';
  /** The SHA-256 (base64url) of the challenge the browser was given. */
  challengeHash: string;
  userId: string | null;
  username: string | null;
  email: string | null;
  expiresAt: number;
}

/** Pending ceremonies keyed by a random token held in the browser's cookie; only the token's hash is stored. */
export interface WebAuthnChallengeStore {
  /** Stores the ceremony and returns its token, the cookie value. */
  create(ceremony: WebAuthnCeremony): Promise<string>;
  /** Deletes and returns the ceremony in one statement (single use); null when unknown or expired. */
  consume(token: string, nowSeconds: number): Promise<WebAuthnCeremony | null>;
}

/** A user's TOTP authenticator (RFC 6238) as stored: the secret only sealed (accounts/two-factor.ts). */
export interface TotpCredential {
  userId: string;
  secretCiphertext: string;
  /** Null while enrolment waits for its first code: not yet a second factor. */
  confirmedAt: number | null;
  /** The last time step a code was accepted for (RFC 6238 §5.2: no code twice); null before the first. */
  lastUsedStep: number | null;
  createdAt: number;
}

/** TOTP authenticators and the recovery codes that stand in for them, per user. */
export interface TwoFactorStore {
  find(userId: string): Promise<TotpCredential | null>;
  /** Stores a new unconfirmed secret, replacing an unconfirmed one; false when a confirmed one exists (left as is). */
  startEnrolment(userId: string, secretCiphertext: string, nowSeconds: number): Promise<boolean>;
  /**
   * Confirms the unconfirmed secret with the step of its first code (one atomic update), then stores the recovery
   * code hashes; false when there was no unconfirmed secret (nothing written).
   */
  confirm(userId: string, step: number, recoveryCodeHashes: string[], nowSeconds: number): Promise<boolean>;
  /** Records `step` as used in one atomic statement; false when it, or a later step, was used already (a replay). */
  useStep(userId: string, step: number): Promise<boolean>;
  /** Deletes the authenticator and the recovery codes. */
  remove(userId: string): Promise<void>;
  /** Replaces every recovery code of the user, in one batch. */
  replaceRecoveryCodes(userId: string, codeHashes: string[], nowSeconds: number): Promise<void>;
  /** Spends a recovery code in one atomic delete; false when it is not one of the user's (or was spent). */
  useRecoveryCode(userId: string, codeHash: string): Promise<boolean>;
  countRecoveryCodes(userId: string): Promise<number>;
}

/** A sign-in waiting for its second factor (http/login-second-factor.tsx). */
export interface PendingSignIn {
  userId: string;
  returnTo: string;
  expiresAt: number;
}

/** Pending sign-ins by the SHA-256 of the browser's cookie token. */
export interface PendingSignInStore {
  create(pending: { userId: string; returnTo: string; nowSeconds: number; ttlSeconds: number }): Promise<string>;
  /** The unexpired pending sign-in of this token, or null. */
  find(token: string, nowSeconds: number): Promise<PendingSignIn | null>;
  /** Deletes it in one atomic statement and returns it; null when it was gone or expired (single use). */
  consume(token: string, nowSeconds: number): Promise<PendingSignIn | null>;
}
