// Drizzle schema for D1: the single source of truth from which `drizzle-kit generate` writes migrations/.
// Tables are plural and snake_case, times are epoch seconds, ids are random text.
import {
  sqliteTable,
  text,
  integer,
  index,
  primaryKey,
  uniqueIndex,
  type AnySQLiteColumn,
} from 'drizzle-orm/sqlite-core';
import type { RequestedClaims } from './types';

/** OAuth clients (RFC 7591 metadata). Secrets and registration tokens are stored only as SHA-256 hashes. */
export const clients = sqliteTable(
  'clients',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    /** `confidential` clients authenticate with a secret; `public` ones (SPAs, native apps) cannot. */
    type: text('type', { enum: ['confidential', 'public'] }).notNull(),
    secretHash: text('secret_hash'),
    /** client_secret_jwt only: the secret itself, AES-GCM-sealed under CLIENT_SECRET_ENCRYPTION_KEY (HMAC needs it). */
    secretCiphertext: text('secret_ciphertext'),
    tokenEndpointAuthMethod: text('token_endpoint_auth_method').notNull(),
    /** JSON arrays of strings. */
    redirectUris: text('redirect_uris', { mode: 'json' }).$type<string[]>().notNull(),
    grantTypes: text('grant_types', { mode: 'json' }).$type<string[]>().notNull(),
    responseTypes: text('response_types', { mode: 'json' }).$type<string[]>().notNull(),
    allowedOrigins: text('allowed_origins', { mode: 'json' }).$type<string[]>().notNull(),
    /** Space-separated scopes the client may request. */
    scope: text('scope').notNull(),
    /** The remaining RFC 7591 §2 metadata (client_uri, logo_uri, contacts, ...), kept as sent. */
    metadata: text('metadata', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    registrationTokenHash: text('registration_token_hash'),
    /** Who registered the client dynamically (`ip:<address>` or `token:<hash prefix>`), for the per-registrant cap. */
    registrant: text('registrant'),
    /** The user who owns the client on the developer pages; null for clients registered without an account. */
    ownerUserId: text('owner_user_id').references((): AnySQLiteColumn => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (table) => [
    index('clients_registrant_idx').on(table.registrant),
    index('clients_owner_user_id_idx').on(table.ownerUserId),
  ],
);

/** Sample protected API rows (the DRF tutorial's resource), owned by the token subject that created them. */
export const unicorns = sqliteTable(
  'unicorns',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    /** Years, 0 or more, as in the Django tutorial's unicorn; rows from before the column read 0. */
    age: integer('age').notNull().default(0),
    /** Optional since the tutorial's unicorn has only name and age. */
    color: text('color'),
    ownerSub: text('owner_sub').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (table) => [index('unicorns_owner_sub_idx').on(table.ownerSub)],
);

/** People who sign in. Passwords are stored as self-describing PBKDF2 hashes (accounts/password-hash.ts). */
export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  /** Unique, compared case-insensitively: stored lower-cased. */
  username: text('username').notNull().unique(),
  email: text('email'),
  emailVerified: integer('email_verified', { mode: 'boolean' }).notNull().default(false),
  passwordHash: text('password_hash').notNull(),
  isAdmin: integer('is_admin', { mode: 'boolean' }).notNull().default(false),
  disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
  /** OIDC Core §5.1 standard profile claims the user edits on /account; null when not given. */
  name: text('name'),
  givenName: text('given_name'),
  familyName: text('family_name'),
  nickname: text('nickname'),
  picture: text('picture'),
  website: text('website'),
  locale: text('locale'),
  zoneinfo: text('zoneinfo'),
  /** When the profile claims last changed (OIDC `updated_at`); null until the user first saves them. */
  profileUpdatedAt: integer('profile_updated_at'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** Browser sessions. The cookie holds a random token; only its SHA-256 is stored. */
export const sessions = sqliteTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** When the user last signed in (OIDC `auth_time`, `max_age`). */
    authTime: integer('auth_time').notNull(),
    /** How they signed in (RFC 8176 method values, OIDC `amr`); rows from before the column read a password. */
    amr: text('amr', { mode: 'json' }).$type<string[]>().notNull().default(['pwd']),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (table) => [index('sessions_user_id_idx').on(table.userId), index('sessions_expires_at_idx').on(table.expiresAt)],
);

/** Authorization codes (RFC 6749 §4.1.2): stored hashed, single use, bound to everything the request said. */
export const authorizationCodes = sqliteTable(
  'authorization_codes',
  {
    codeHash: text('code_hash').primaryKey(),
    /** The grant this code starts; tokens issued from it share it, so a replayed code can revoke them. */
    grantId: text('grant_id').notNull(),
    clientId: text('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    redirectUri: text('redirect_uri').notNull(),
    scope: text('scope').notNull(),
    /** RFC 8707 resources requested at the authorization endpoint, JSON array. */
    resources: text('resources', { mode: 'json' }).$type<string[]>().notNull(),
    codeChallenge: text('code_challenge'),
    codeChallengeMethod: text('code_challenge_method'),
    nonce: text('nonce'),
    /** The OIDC `claims` request parameter (Core §5.5), normalized; null when none was sent. */
    claims: text('claims', { mode: 'json' }).$type<RequestedClaims>(),
    authTime: integer('auth_time').notNull(),
    /** The session's sign-in methods (OIDC `amr`), carried to the grant's tokens; null: stored before they were. */
    amr: text('amr', { mode: 'json' }).$type<string[]>(),
    /** RFC 9449 §10 `dpop_jkt`: the key the code is bound to; redeeming it needs a DPoP proof of that key. */
    dpopJkt: text('dpop_jkt'),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    /** Set by the one atomic statement that redeems the code; a second redemption finds it set. */
    consumedAt: integer('consumed_at'),
  },
  (table) => [index('authorization_codes_expires_at_idx').on(table.expiresAt)],
);

/** Refresh tokens (RFC 6749 §6), rotated on every use; a family shares the grant id of the code that began it. */
export const refreshTokens = sqliteTable(
  'refresh_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    grantId: text('grant_id').notNull(),
    clientId: text('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    /** Null for tokens not issued to a person. */
    userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
    scope: text('scope').notNull(),
    resources: text('resources', { mode: 'json' }).$type<string[]>().notNull(),
    /** The `claims` request of the authorization that began the family (OIDC Core §5.5), kept for its ID Tokens. */
    claims: text('claims', { mode: 'json' }).$type<RequestedClaims>(),
    authTime: integer('auth_time'),
    /** The sign-in methods of the grant (OIDC `amr`), for its later ID Tokens; null: stored before they were. */
    amr: text('amr', { mode: 'json' }).$type<string[]>(),
    createdAt: integer('created_at').notNull(),
    /** Idle expiry of this token. */
    expiresAt: integer('expires_at').notNull(),
    /** Absolute expiry of the whole family, carried over on rotation. */
    grantExpiresAt: integer('grant_expires_at').notNull(),
    /** Set when this token was exchanged for its successor; presenting it again means theft (RFC 9700 §4.14.2). */
    rotatedAt: integer('rotated_at'),
    revokedAt: integer('revoked_at'),
    /** RFC 9449 §5.0: the DPoP key a public client's token is bound to; using it needs a proof of that key. */
    dpopJkt: text('dpop_jkt'),
  },
  (table) => [
    index('refresh_tokens_grant_id_idx').on(table.grantId),
    index('refresh_tokens_client_id_idx').on(table.clientId),
    index('refresh_tokens_user_id_idx').on(table.userId),
    // No index on expires_at: the purge's condition (purge.ts) is an OR over three columns, which SQLite answers
    // with a scan either way, and every rotation's insert paid for the index.
  ],
);

/**
 * Grants revoked while access tokens issued from them may still be unexpired (a replayed authorization code): the
 * issuer's own endpoints refuse those tokens. Kept until the last such token expires.
 */
export const revokedGrants = sqliteTable(
  'revoked_grants',
  {
    grantId: text('grant_id').primaryKey(),
    revokedAt: integer('revoked_at').notNull(),
    /** When every access token of the grant has expired, so the row can go (storage/purge.ts). */
    expiresAt: integer('expires_at').notNull(),
  },
  (table) => [index('revoked_grants_expires_at_idx').on(table.expiresAt)],
);

/** Remembered consent: the scopes a user granted a client; a request for the same or fewer skips the page. */
export const consents = sqliteTable(
  'consents',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    clientId: text('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    scope: text('scope').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.userId, table.clientId] }),
    index('consents_client_id_idx').on(table.clientId),
  ],
);

/** Sign-in attempt counters per account and per client IP, for throttling (D1, so every isolate sees them). */
export const loginThrottles = sqliteTable('login_throttles', {
  /** `user:<username>` or `ip:<address>`. */
  key: text('key').primaryKey(),
  /** Attempts reserved in the window and not released by a success: the failures, and the ones being checked. */
  failures: integer('failures').notNull(),
  windowStartedAt: integer('window_started_at').notNull(),
  lockedUntil: integer('locked_until'),
});

/** Fixed-window request counters (e.g. `register:ip:<address>`), one atomic upsert per request (storage/rate-limits.ts). */
export const rateLimits = sqliteTable(
  'rate_limits',
  {
    key: text('key').primaryKey(),
    windowStartedAt: integer('window_started_at').notNull(),
    count: integer('count').notNull(),
  },
  (table) => [index('rate_limits_window_started_at_idx').on(table.windowStartedAt)],
);

/**
 * DPoP proofs seen at the token endpoint and userinfo (RFC 9449 §11.1), keyed by proof key thumbprint and `jti`:
 * one INSERT claims a proof across every isolate. Kept until the proof would be refused as too old anyway.
 */
export const dpopProofs = sqliteTable(
  'dpop_proofs',
  {
    id: text('id').primaryKey(),
    expiresAt: integer('expires_at').notNull(),
  },
  (table) => [index('dpop_proofs_expires_at_idx').on(table.expiresAt)],
);

/**
 * Device authorizations (RFC 8628 §3.2): the device code and the user code are stored only as SHA-256 hashes. A row
 * goes pending → approved or denied on the /device page, and is redeemed once at the token endpoint.
 */
export const deviceAuthorizations = sqliteTable(
  'device_authorizations',
  {
    deviceCodeHash: text('device_code_hash').primaryKey(),
    /** Hash of the normalised user code (upper case, no dash). */
    userCodeHash: text('user_code_hash').notNull().unique(),
    clientId: text('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    scope: text('scope').notNull(),
    resources: text('resources', { mode: 'json' }).$type<string[]>().notNull(),
    status: text('status', { enum: ['pending', 'approved', 'denied'] }).notNull(),
    /** The user who approved or denied, and when they had authenticated (OIDC `auth_time`). */
    userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
    authTime: integer('auth_time'),
    /** How the approving user had signed in (OIDC `amr`). */
    amr: text('amr', { mode: 'json' }).$type<string[]>(),
    /** Seconds the client must wait between polls; grows by 5 on every slow_down (RFC 8628 §3.5). */
    pollIntervalSeconds: integer('poll_interval_seconds').notNull(),
    lastPolledAt: integer('last_polled_at'),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    /** Set by the one atomic statement that redeems an approved authorization. */
    consumedAt: integer('consumed_at'),
  },
  (table) => [index('device_authorizations_expires_at_idx').on(table.expiresAt)],
);

/**
 * The `jti` of every accepted client assertion (RFC 7523 §3 item 7), kept until the assertion expires, so a replay
 * finds it; one atomic insert decides which of two concurrent uses wins.
 */
export const clientAssertionJtis = sqliteTable(
  'client_assertion_jtis',
  {
    clientId: text('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    jti: text('jti').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.clientId, table.jti] }),
    index('client_assertion_jtis_expires_at_idx').on(table.expiresAt),
  ],
);

/**
 * Pushed authorization requests (RFC 9126): the validated request, found by the hash of its request_uri. Usable by
 * the browser from its first use at /oauth/authorize until a code is issued or the user denies (consumed_at).
 */
export const pushedAuthorizationRequests = sqliteTable(
  'pushed_authorization_requests',
  {
    requestUriHash: text('request_uri_hash').primaryKey(),
    clientId: text('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    /** The request's parameters as the canonical query the authorization endpoint reads. */
    parameters: text('parameters').notNull(),
    createdAt: integer('created_at').notNull(),
    /** expires_in from the push; moved on once, at first use, to cover sign-in and consent. */
    expiresAt: integer('expires_at').notNull(),
    firstUsedAt: integer('first_used_at'),
    consumedAt: integer('consumed_at'),
  },
  (table) => [index('pushed_authorization_requests_expires_at_idx').on(table.expiresAt)],
);

/**
 * Managed signing keys (oauth/managed-keys.ts): generated by the Worker, one ES256 and one RS256 key per rotation.
 * The private JWK is stored only encrypted (AES-GCM under the KEY_ENCRYPTION_KEY secret, the kid as additional data).
 * A key is published from `created_at`, signs from `activates_at`, and leaves the JWKS once a later rotation has
 * signed long enough (tokens/key-schedule.ts).
 */
export const signingKeys = sqliteTable(
  'signing_keys',
  {
    /** The JWK thumbprint (RFC 7638) of the public key. */
    kid: text('kid').primaryKey(),
    alg: text('alg', { enum: ['ES256', 'RS256'] }).notNull(),
    /** 1, 2, ...: the unique (rotation, alg) pair makes concurrent rotations insert one set, not two. */
    rotation: integer('rotation').notNull(),
    publicJwk: text('public_jwk', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** `v1.<iv>.<ciphertext>`, base64url. */
    encryptedPrivateJwk: text('encrypted_private_jwk').notNull(),
    createdAt: integer('created_at').notNull(),
    activatesAt: integer('activates_at').notNull(),
    revokedAt: integer('revoked_at'),
    /** Set by `npm run admin -- keys rotate` on the newest rotation: the Worker starts the next one (with its lead). */
    rotationRequestedAt: integer('rotation_requested_at'),
  },
  (table) => [uniqueIndex('signing_keys_rotation_alg_idx').on(table.rotation, table.alg)],
);

/**
 * Security-relevant events (oauth/audit.ts): who did what, from where, with what outcome. Never a secret, token,
 * code or password; `details` holds a few fields of the event's type. Deleted after AUDIT_RETENTION_DAYS.
 */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: text('id').primaryKey(),
    at: integer('at').notNull(),
    type: text('type').notNull(),
    outcome: text('outcome', { enum: ['success', 'failure'] }).notNull(),
    /** No foreign keys: an event outlives the user or client it names. */
    userId: text('user_id'),
    clientId: text('client_id'),
    clientAddress: text('client_address'),
    userAgent: text('user_agent'),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (table) => [
    index('audit_events_at_idx').on(table.at),
    index('audit_events_type_at_idx').on(table.type, table.at),
    index('audit_events_user_id_at_idx').on(table.userId, table.at),
    index('audit_events_client_id_at_idx').on(table.clientId, table.at),
  ],
);

/**
 * Upstream identities (docs/accounts.md): a local user linked to an account at an upstream OpenID provider. The
 * upstream account is (issuer, sub), unique (OIDC Core §2: `sub` is unique only within its issuer).
 */
export const upstreamIdentities = sqliteTable(
  'upstream_identities',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The UPSTREAM_PROVIDERS key it was linked through, for display; the identity itself is (issuer, subject). */
    providerId: text('provider_id').notNull(),
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (table) => [
    uniqueIndex('upstream_identities_issuer_subject_idx').on(table.issuer, table.subject),
    index('upstream_identities_user_id_idx').on(table.userId),
  ],
);

/**
 * Sign-ins started at an upstream provider and not yet returned: keyed by the SHA-256 of the `state` sent, consumed
 * once by the callback. The state, nonce and PKCE verifier derive from a secret in the browser's cookie
 * (oauth/upstream/authorization-secret.ts), so nothing here lets anyone finish the sign-in.
 */
export const upstreamSignIns = sqliteTable(
  'upstream_sign_ins',
  {
    stateHash: text('state_hash').primaryKey(),
    providerId: text('provider_id').notNull(),
    /** Where the browser goes afterwards (http/return-to.ts, checked again on use). */
    returnTo: text('return_to').notNull(),
    /** Set when a signed-in user links the provider from /account/security: the account it must link to. */
    linkUserId: text('link_user_id').references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: integer('expires_at').notNull(),
  },
  (table) => [index('upstream_sign_ins_expires_at_idx').on(table.expiresAt)],
);

/**
 * Single-use links mailed to a user (accounts/email-links.ts): an address to verify or a password to reset. Only the
 * SHA-256 of the link's token is stored; using it deletes the row, and the cron deletes the expired ones.
 */
export const emailTokens = sqliteTable(
  'email_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: ['verify_email', 'reset_password'] }).notNull(),
    /** The address the link was sent to: a verification counts only while it is still the user's address. */
    email: text('email').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (table) => [
    index('email_tokens_user_id_idx').on(table.userId, table.purpose),
    index('email_tokens_expires_at_idx').on(table.expiresAt),
  ],
);

/** The development outbox (accounts/outbox-mailer.ts): mail that `MAILER=outbox` keeps instead of sending. */
export const outboxMessages = sqliteTable(
  'outbox_messages',
  {
    id: text('id').primaryKey(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (table) => [index('outbox_messages_created_at_idx').on(table.createdAt)],
);

/**
 * WebAuthn credentials (passkeys) of users (W3C WebAuthn Level 3 §7.1 step 27, "credential record"): the public
 * key, the signature counter, transports and backup flags, with the name the user gave it.
 */
export const passkeys = sqliteTable(
  'passkeys',
  {
    /** The credential id, base64url (the `id` of the PublicKeyCredential). */
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** The COSE public key, base64url. */
    publicKey: text('public_key').notNull(),
    /** The authenticator's signature counter (§6.1.1); 0 for authenticators that keep none. */
    counter: integer('counter').notNull(),
    transports: text('transports', { mode: 'json' }).$type<string[]>().notNull(),
    backupEligible: integer('backup_eligible', { mode: 'boolean' }).notNull(),
    backedUp: integer('backed_up', { mode: 'boolean' }).notNull(),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
  },
  (table) => [index('passkeys_user_id_idx').on(table.userId)],
);

/**
 * Pending WebAuthn ceremonies: the challenge one browser was given, single-use and short-lived. Keyed by the hash of
 * a random token in that browser's cookie (so the challenge is bound to it), holding only the challenge's hash.
 */
export const webauthnChallenges = sqliteTable(
  'webauthn_challenges',
  {
    tokenHash: text('token_hash').primaryKey(),
    challengeHash: text('challenge_hash').notNull(),
    /** `register` (a signed-in user adds a passkey), `sign-up` (a passkey-only account), `sign-in`. */
    purpose: text('purpose', { enum: ['register', 'sign-up', 'sign-in'] }).notNull(),
    /** The user a passkey is registered for (register), or the id the new account will have (sign-up). */
    userId: text('user_id'),
    /** The username and email chosen at a passkey sign-up. */
    username: text('username'),
    email: text('email'),
    expiresAt: integer('expires_at').notNull(),
  },
  (table) => [index('webauthn_challenges_expires_at_idx').on(table.expiresAt)],
);

/**
 * A user's TOTP authenticator (RFC 6238): the shared secret sealed with AES-GCM under TOTP_ENCRYPTION_KEY (the server
 * must compute codes from it, so it cannot be hashed), `confirmedAt` null while enrolment awaits its first code, and
 * the last time step accepted, so no code is accepted twice (§5.2).
 */
export const totpCredentials = sqliteTable('totp_credentials', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  secretCiphertext: text('secret_ciphertext').notNull(),
  confirmedAt: integer('confirmed_at'),
  lastUsedStep: integer('last_used_step'),
  createdAt: integer('created_at').notNull(),
});

/** One-time recovery codes of a two-factor account, stored only as SHA-256 hashes; a used code is deleted. */
export const recoveryCodes = sqliteTable(
  'recovery_codes',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.codeHash] })],
);

/**
 * A sign-in whose password was right and whose second factor is still due: the browser holds a random token in an
 * HttpOnly cookie, this table only its SHA-256. Never a session; deleted by the step that completes it.
 */
export const pendingSignIns = sqliteTable(
  'pending_sign_ins',
  {
    idHash: text('id_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The same-origin path to return to once signed in (http/return-to.ts). */
    returnTo: text('return_to').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (table) => [index('pending_sign_ins_expires_at_idx').on(table.expiresAt)],
);
