// Configuration: read once per isolate from the Worker's vars and secrets, validated all at once (one error that
// lists every bad field), frozen, and passed down explicitly.
import type { Bindings } from './env';
import { COUNTER_RETENTION_SECONDS } from './storage/purge';
import { decodeKeyEncryptionKey } from './tokens/key-encryption';
import { parseSigningKeySet, type SigningAlgorithm } from './tokens/keys';
import { parseScopeDefinitions, type ScopeDefinition } from './oauth/scope-definitions';
import { parseUpstreamProviders, type UpstreamProvider } from './oauth/upstream/providers';
import type { JWK } from 'jose';
import { DPOP_ALGORITHMS } from '@portcullis/verify';

/** Access token lifetime (RFC 9068 `exp - iat`). */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
/** Browser session lifetime from login (a working day); after it the user enters their password again. */
export const SESSION_TTL_SECONDS = 8 * 60 * 60;
/** Authorization code lifetime, and its ceiling: a code is redeemed within seconds of being issued. */
export const AUTHORIZATION_CODE_TTL_SECONDS = 60;
/** Refresh token idle lifetime (14 days) and absolute lifetime of a token family (90 days). */
export const REFRESH_TOKEN_IDLE_TTL_SECONDS = 14 * 24 * 3600;
export const REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS = 90 * 24 * 3600;
/**
 * Refresh token reuse interval: 0 (strict rotation) by default, at most 60 (a race window, not a second lifetime);
 * 30 is what docs/tokens.md recommends for browsers and mobile apps.
 */
export const REFRESH_TOKEN_REUSE_INTERVAL_SECONDS = 0;
export const REFRESH_TOKEN_REUSE_INTERVAL_MAX_SECONDS = 60;

/** Dynamic registrations one registrant (an IP, or the initial access token) may hold at once. */
export const REGISTRATION_MAX_CLIENTS_PER_REGISTRANT = 50;
/** POST /oauth/register requests allowed per client IP in each window of REGISTRATION_RATE_LIMIT_WINDOW_SECONDS. */
export const REGISTRATION_RATE_LIMIT = 20;
export const REGISTRATION_RATE_LIMIT_WINDOW_SECONDS = 60 * 60;
/** POST /signup requests allowed per client IP per hour, so a script cannot fill D1 with accounts. */
export const SIGNUP_RATE_LIMIT = 10;
export const SIGNUP_RATE_LIMIT_WINDOW_SECONDS = 60 * 60;
/** Failed client authentications per client id and address per window before further failures answer 429. */
export const CLIENT_AUTH_FAILURE_LIMIT = 20;
export const CLIENT_AUTH_FAILURE_WINDOW_SECONDS = 5 * 60;

/** Mail (verification and password-reset links) per client IP per hour, and per recipient address per hour. */
export const MAIL_RATE_LIMIT = 10;
export const MAIL_RECIPIENT_RATE_LIMIT = 5;
export const MAIL_RATE_LIMIT_WINDOW_SECONDS = 60 * 60;

/** Managed keys (KEY_ENCRYPTION_KEY set): a new ES256 + RS256 pair starts this often. */
export const SIGNING_KEY_ROTATION_DAYS = 30;

/** Audit events are deleted by the cron this many days after they happened. */
export const AUDIT_RETENTION_DAYS = 90;

export type RegistrationPolicy = 'open' | 'token' | 'closed';

export interface Config {
  /** Issuer identifier (RFC 8414 §2): from ISSUER; undefined means "the request origin" (development). */
  issuer: string | undefined;
  /** Default 900 (15 minutes); ACCESS_TOKEN_TTL_SECONDS. */
  accessTokenTtlSeconds: number;
  /** Default 28800 (8 hours); SESSION_TTL_SECONDS. Absolute lifetime of a login session and its cookie. */
  sessionTtlSeconds: number;
  /** Default 60, at most 60 (issue 3; RFC 6749 §4.1.2 says short-lived); AUTHORIZATION_CODE_TTL_SECONDS. */
  authorizationCodeTtlSeconds: number;
  /** Default 1209600 (14 days): an unused refresh token expires (RFC 9700 §4.14.2); REFRESH_TOKEN_IDLE_TTL_SECONDS. */
  refreshTokenIdleTtlSeconds: number;
  /** Default 7776000 (90 days): a token family expires however it is used; REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS. */
  refreshTokenAbsoluteTtlSeconds: number;
  /**
   * Default 0 (strict: any reuse revokes the family, RFC 9700 §4.14.2), at most 60; REFRESH_TOKEN_REUSE_INTERVAL_SECONDS.
   * For this long after a rotation, the same client presenting the rotated token again for the same scope and
   * resources gets a sibling refresh token of the same family instead of revoking it.
   */
  refreshTokenReuseIntervalSeconds: number;
  /** `aud` when no `resource` (RFC 8707) is sent; default `<issuer>/api`, the sample API. */
  defaultAudience: string | undefined;
  /** Dynamic registration (RFC 7591 §3): `open`, `token` (initial access token, the default) or `closed`. */
  registrationPolicy: RegistrationPolicy;
  /** The initial access token for the `token` policy (secret REGISTRATION_TOKEN). */
  registrationToken: string | undefined;
  /** Default 50; clients one registrant may register (RFC 7591 §5 leaves abuse limits to the server). */
  registrationMaxClientsPerRegistrant: number;
  /** Default 20 per 3600 s; POST /oauth/register requests per client IP per window (RFC 7591 §5). */
  registrationRateLimit: { limit: number; windowSeconds: number };
  /** Sign-ups per client IP per hour; default 10 (SIGNUP_RATE_LIMIT). */
  signupRateLimit: { limit: number; windowSeconds: number };
  /**
   * Default 20 per 300 s (CLIENT_AUTH_FAILURE_LIMIT): failed client authentications (secrets, assertions, RFC 7592
   * registration access tokens) per client id and address before further failures answer 429 (RFC 6819 §5.1.4.2.3).
   */
  clientAuthFailureLimit: { limit: number; windowSeconds: number };
  /**
   * Secret CLIENT_SECRET_ENCRYPTION_KEY: 32 random bytes, base64url. Seals the secrets of client_secret_jwt clients
   * (RFC 7523 needs the secret itself for HMAC); unset, that method is off. No default.
   */
  clientSecretEncryptionKey: string | undefined;
  /**
   * Secret TOTP_ENCRYPTION_KEY: 32 random bytes, base64url. Seals the TOTP secrets of two-factor accounts (RFC 6238:
   * the server computes codes from the secret, so it is encrypted rather than hashed). Unset, two-factor codes cannot
   * be set up, and existing two-factor accounts can sign in only with recovery codes. No default.
   */
  totpEncryptionKey: string | undefined;
  /** Default false; REQUIRE_PUSHED_AUTHORIZATION_REQUESTS=true makes every client push its requests (RFC 9126 §5). */
  requirePushedAuthorizationRequests: boolean;
  /** Resource indicators (RFC 8707) a token may be issued for besides the default audience; RESOURCES, space-separated. */
  resources: readonly string[];
  /**
   * The API scopes (SCOPES, JSON; default `read` and `write` for every resource, public clients included): each with
   * its consent-page description, the resources it applies to and whether public clients may have it
   * (oauth/scope-definitions.ts). The OpenID scopes are separate and fixed.
   */
  scopes: readonly ScopeDefinition[];
  /** The names of `scopes`: what a client may be registered for and request (RFC 8414 `scopes_supported`). */
  apiScopes: readonly string[];
  /** The private JWK set from the SIGNING_KEYS secret, validated; imported once by tokens/keys.ts. Empty with managed keys. */
  signingKeys: ReadonlyArray<{ jwk: JWK; alg: SigningAlgorithm }>;
  /**
   * Managed keys (oauth/managed-keys.ts), when the KEY_ENCRYPTION_KEY secret (32 bytes, base64) is set instead of
   * SIGNING_KEYS; `rotationDays` default 30 (SIGNING_KEY_ROTATION_DAYS).
   */
  managedKeys: { keyEncryptionKey: Uint8Array; rotationDays: number } | undefined;
  /**
   * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document): `enabled` default true
   * (CLIENT_METADATA_DOCUMENTS = false turns them off); `allowLoopbackHttp` default false, documents on loopback
   * (http or https) for local development (CLIENT_METADATA_DOCUMENTS_ALLOW_LOCALHOST), refused with a non-loopback
   * ISSUER.
   */
  clientMetadataDocuments: { enabled: boolean; allowLoopbackHttp: boolean };
  /** Default false: record a `token_issued` audit event per token response (AUDIT_TOKEN_EVENTS = true). */
  auditTokenEvents: boolean;
  /** Default 90 (AUDIT_RETENTION_DAYS): the cron deletes older audit events. */
  auditRetentionDays: number;
  /** DPoP (RFC 9449): proof algorithms (DPOP_ALGORITHMS), nonces, and whether public clients must use it. */
  dpop: DPoPConfig;
  /**
   * Upstream OpenID Connect providers users may sign in through (UPSTREAM_PROVIDERS, JSON; default none), each with
   * its client secret read from the Worker secret it names (oauth/upstream/providers.ts, docs/accounts.md).
   */
  upstreamProviders: readonly UpstreamProvider[];
  /** How mail is sent (docs/accounts.md "Email and password reset"). */
  mail: MailConfig;
}

export interface MailConfig {
  /**
   * MAILER: `outbox` (the default) keeps messages in D1 for the development page /dev/outbox, which answers only
   * while ISSUER is not https; `cloudflare` sends through the Email Service binding EMAIL from `from`.
   */
  transport: 'outbox' | 'cloudflare';
  /** MAIL_FROM, the sender address (on a domain onboarded to Email Sending); required with `cloudflare`. */
  from: string | undefined;
  /** Default 10 an hour (MAIL_RATE_LIMIT): mail sent at the request of one client IP. */
  perAddress: { limit: number; windowSeconds: number };
  /** Default 5 an hour (MAIL_RECIPIENT_RATE_LIMIT): mail sent to one address, whoever asks. */
  perRecipient: { limit: number; windowSeconds: number };
}

export interface DPoPConfig {
  /** `dpop_signing_alg_values_supported`: ES256, EdDSA, Ed25519, RS256, PS256 (asymmetric only, §4.3 step 5). */
  algorithms: readonly string[];
  /** Secret DPOP_NONCE_SECRET; when set, every proof must carry a current server nonce (§8). Default unset. */
  nonceSecret: string | undefined;
  /** DPOP_REQUIRED_FOR_PUBLIC_CLIENTS; default false. When true, a public client's token request needs a proof. */
  requiredForPublicClients: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Bindings): Config {
  const problems: string[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
      return undefined;
    }
  };

  const issuer = attempt(() => readIssuer(env.ISSUER));
  const accessTokenTtlSeconds = attempt(() =>
    readPositiveInteger('ACCESS_TOKEN_TTL_SECONDS', env.ACCESS_TOKEN_TTL_SECONDS, ACCESS_TOKEN_TTL_SECONDS),
  );
  const sessionTtlSeconds = attempt(() =>
    readPositiveInteger('SESSION_TTL_SECONDS', env.SESSION_TTL_SECONDS, SESSION_TTL_SECONDS),
  );
  const authorizationCodeTtlSeconds = attempt(() => readCodeTtl(env.AUTHORIZATION_CODE_TTL_SECONDS));
  const refreshTokenIdleTtlSeconds = attempt(() =>
    readPositiveInteger(
      'REFRESH_TOKEN_IDLE_TTL_SECONDS',
      env.REFRESH_TOKEN_IDLE_TTL_SECONDS,
      REFRESH_TOKEN_IDLE_TTL_SECONDS,
    ),
  );
  const refreshTokenAbsoluteTtlSeconds = attempt(() =>
    readPositiveInteger(
      'REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS',
      env.REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS,
      REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS,
    ),
  );
  if (
    refreshTokenIdleTtlSeconds !== undefined &&
    refreshTokenAbsoluteTtlSeconds !== undefined &&
    refreshTokenAbsoluteTtlSeconds < refreshTokenIdleTtlSeconds
  ) {
    problems.push('REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS must not be shorter than REFRESH_TOKEN_IDLE_TTL_SECONDS');
  }
  const refreshTokenReuseIntervalSeconds = attempt(() => readReuseInterval(env.REFRESH_TOKEN_REUSE_INTERVAL_SECONDS));
  const defaultAudience = attempt(() => readOptionalUrl('DEFAULT_AUDIENCE', env.DEFAULT_AUDIENCE));
  const resources = attempt(() => readUrlList('RESOURCES', env.RESOURCES));
  const scopes = attempt(() => parseScopeDefinitions(env.SCOPES));
  const registrationPolicy = attempt(() => readRegistrationPolicy(env.REGISTRATION_POLICY));
  const registrationToken = env.REGISTRATION_TOKEN?.trim() || undefined;
  if (registrationPolicy === 'token' && !registrationToken) {
    problems.push('REGISTRATION_POLICY is "token" but the REGISTRATION_TOKEN secret is not set');
  }
  const registrationMaxClientsPerRegistrant = attempt(() =>
    readPositiveInteger(
      'REGISTRATION_MAX_CLIENTS_PER_REGISTRANT',
      env.REGISTRATION_MAX_CLIENTS_PER_REGISTRANT,
      REGISTRATION_MAX_CLIENTS_PER_REGISTRANT,
    ),
  );
  const registrationRateLimit = attempt(() =>
    readPositiveInteger('REGISTRATION_RATE_LIMIT', env.REGISTRATION_RATE_LIMIT, REGISTRATION_RATE_LIMIT),
  );
  const signupRateLimit = attempt(() =>
    readPositiveInteger('SIGNUP_RATE_LIMIT', env.SIGNUP_RATE_LIMIT, SIGNUP_RATE_LIMIT),
  );
  const clientAuthFailureLimit = attempt(() =>
    readPositiveInteger('CLIENT_AUTH_FAILURE_LIMIT', env.CLIENT_AUTH_FAILURE_LIMIT, CLIENT_AUTH_FAILURE_LIMIT),
  );
  const clientSecretEncryptionKey = attempt(() =>
    readEncryptionKey('CLIENT_SECRET_ENCRYPTION_KEY', env.CLIENT_SECRET_ENCRYPTION_KEY),
  );
  const totpEncryptionKey = attempt(() => readEncryptionKey('TOTP_ENCRYPTION_KEY', env.TOTP_ENCRYPTION_KEY));
  if (totpEncryptionKey !== undefined && totpEncryptionKey === clientSecretEncryptionKey) {
    problems.push('TOTP_ENCRYPTION_KEY must differ from CLIENT_SECRET_ENCRYPTION_KEY (one key per purpose)');
  }
  const registrationRateLimitWindowSeconds = attempt(() =>
    readPositiveInteger(
      'REGISTRATION_RATE_LIMIT_WINDOW_SECONDS',
      env.REGISTRATION_RATE_LIMIT_WINDOW_SECONDS,
      REGISTRATION_RATE_LIMIT_WINDOW_SECONDS,
    ),
  );
  // The cron purge deletes counters this long after their window began; a longer window would be cut short.
  if (
    registrationRateLimitWindowSeconds !== undefined &&
    registrationRateLimitWindowSeconds > COUNTER_RETENTION_SECONDS
  ) {
    problems.push(`REGISTRATION_RATE_LIMIT_WINDOW_SECONDS must be at most ${COUNTER_RETENTION_SECONDS}`);
  }
  const managedKeys = attempt(() => readManagedKeys(env));
  const signingKeys = managedKeys ? [] : attempt(() => parseSigningKeySet(env.SIGNING_KEYS));

  const clientMetadataDocuments = attempt(() => readClientMetadataDocuments(env, issuer));
  const auditTokenEvents = attempt(() => readBoolean('AUDIT_TOKEN_EVENTS', env.AUDIT_TOKEN_EVENTS));
  const auditRetentionDays = attempt(() =>
    readPositiveInteger('AUDIT_RETENTION_DAYS', env.AUDIT_RETENTION_DAYS, AUDIT_RETENTION_DAYS),
  );
  const dpopNonceSecret = env.DPOP_NONCE_SECRET?.trim() || undefined;
  if (dpopNonceSecret !== undefined && dpopNonceSecret.length < 16)
    problems.push('DPOP_NONCE_SECRET must have at least 16 characters');
  const dpopRequiredForPublicClients = attempt(() =>
    readBoolean('DPOP_REQUIRED_FOR_PUBLIC_CLIENTS', env.DPOP_REQUIRED_FOR_PUBLIC_CLIENTS),
  );

  const upstreamProviders = attempt(() =>
    parseUpstreamProviders(env.UPSTREAM_PROVIDERS, (binding) => (env as unknown as Record<string, unknown>)[binding]),
  );
  const mail = attempt(() => readMail(env));

  if (problems.length > 0) {
    throw new ConfigError(`Invalid Portcullis configuration:\n- ${problems.join('\n- ')}`);
  }
  return Object.freeze({
    issuer,
    accessTokenTtlSeconds: accessTokenTtlSeconds!,
    sessionTtlSeconds: sessionTtlSeconds!,
    authorizationCodeTtlSeconds: authorizationCodeTtlSeconds!,
    refreshTokenIdleTtlSeconds: refreshTokenIdleTtlSeconds!,
    refreshTokenAbsoluteTtlSeconds: refreshTokenAbsoluteTtlSeconds!,
    refreshTokenReuseIntervalSeconds: refreshTokenReuseIntervalSeconds!,
    defaultAudience,
    resources: resources!,
    registrationPolicy: registrationPolicy!,
    registrationToken,
    registrationMaxClientsPerRegistrant: registrationMaxClientsPerRegistrant!,
    registrationRateLimit: Object.freeze({
      limit: registrationRateLimit!,
      windowSeconds: registrationRateLimitWindowSeconds!,
    }),
    signupRateLimit: Object.freeze({ limit: signupRateLimit!, windowSeconds: SIGNUP_RATE_LIMIT_WINDOW_SECONDS }),
    clientSecretEncryptionKey,
    totpEncryptionKey,
    requirePushedAuthorizationRequests: env.REQUIRE_PUSHED_AUTHORIZATION_REQUESTS?.trim() === 'true',
    clientAuthFailureLimit: Object.freeze({
      limit: clientAuthFailureLimit!,
      windowSeconds: CLIENT_AUTH_FAILURE_WINDOW_SECONDS,
    }),
    scopes: scopes!,
    apiScopes: Object.freeze(scopes!.map(({ name }) => name)),
    signingKeys: signingKeys!,
    dpop: Object.freeze({
      algorithms: DPOP_ALGORITHMS,
      nonceSecret: dpopNonceSecret,
      requiredForPublicClients: dpopRequiredForPublicClients!,
    }),
    managedKeys,
    clientMetadataDocuments: clientMetadataDocuments!,
    auditTokenEvents: auditTokenEvents!,
    auditRetentionDays: auditRetentionDays!,
    upstreamProviders: upstreamProviders!,
    mail: mail!,
  });
}

function readMail(env: Bindings): MailConfig {
  const transport = env.MAILER?.trim() || 'outbox';
  if (transport !== 'outbox' && transport !== 'cloudflare') {
    throw new Error(`MAILER must be outbox or cloudflare, got "${transport}"`);
  }
  const from = env.MAIL_FROM?.trim() || undefined;
  if (transport === 'cloudflare' && from === undefined)
    throw new Error('MAILER is "cloudflare" but MAIL_FROM is not set');
  const windowSeconds = MAIL_RATE_LIMIT_WINDOW_SECONDS;
  return Object.freeze({
    transport,
    from,
    perAddress: { limit: readPositiveInteger('MAIL_RATE_LIMIT', env.MAIL_RATE_LIMIT, MAIL_RATE_LIMIT), windowSeconds },
    perRecipient: {
      limit: readPositiveInteger('MAIL_RECIPIENT_RATE_LIMIT', env.MAIL_RECIPIENT_RATE_LIMIT, MAIL_RECIPIENT_RATE_LIMIT),
      windowSeconds,
    },
  });
}

function readBoolean(name: string, value: string | undefined): boolean {
  const trimmed = value?.trim().toLowerCase() ?? '';
  if (trimmed === '' || trimmed === 'false') return false;
  if (trimmed === 'true') return true;
  throw new Error(`${name} must be true or false, got "${value}"`);
}

function readClientMetadataDocuments(env: Bindings, issuer: string | undefined): Config['clientMetadataDocuments'] {
  const enabled = env.CLIENT_METADATA_DOCUMENTS?.trim()
    ? readBoolean('CLIENT_METADATA_DOCUMENTS', env.CLIENT_METADATA_DOCUMENTS)
    : true;
  const allowLoopbackHttp = readBoolean(
    'CLIENT_METADATA_DOCUMENTS_ALLOW_LOCALHOST',
    env.CLIENT_METADATA_DOCUMENTS_ALLOW_LOCALHOST,
  );
  if (allowLoopbackHttp && issuer !== undefined && !isLoopbackHost(new URL(issuer).hostname)) {
    throw new Error(`CLIENT_METADATA_DOCUMENTS_ALLOW_LOCALHOST is for local development, not an issuer at ${issuer}`);
  }
  return Object.freeze({ enabled, allowLoopbackHttp });
}

function readManagedKeys(env: Bindings): Config['managedKeys'] {
  const secret = env.KEY_ENCRYPTION_KEY?.trim();
  if (!secret) return undefined;
  if (env.SIGNING_KEYS?.trim()) {
    throw new Error('set either SIGNING_KEYS (keys you manage) or KEY_ENCRYPTION_KEY (managed keys), not both');
  }
  return Object.freeze({
    keyEncryptionKey: decodeKeyEncryptionKey(secret),
    rotationDays: readPositiveInteger(
      'SIGNING_KEY_ROTATION_DAYS',
      env.SIGNING_KEY_ROTATION_DAYS,
      SIGNING_KEY_ROTATION_DAYS,
    ),
  });
}

function readEncryptionKey(name: string, value: string | undefined): string | undefined {
  const key = value?.trim();
  if (!key) return undefined;
  if (!/^[A-Za-z0-9_-]{43}$/.test(key)) {
    throw new Error(`${name} must be 32 random bytes, base64url-encoded (43 characters)`);
  }
  return key;
}

function readIssuer(value: string | undefined): string | undefined {
  const url = readOptionalUrl('ISSUER', value);
  if (url === undefined) return undefined;
  const parsed = new URL(url);
  // RFC 8414 §2: https, no query, no fragment. Plain http is accepted for loopback development only.
  if (parsed.protocol !== 'https:' && !isLoopbackHost(parsed.hostname)) {
    throw new Error(`ISSUER must use https (http is allowed only for localhost): ${url}`);
  }
  if (parsed.search || parsed.hash) throw new Error(`ISSUER must have no query or fragment: ${url}`);
  return url.replace(/\/+$/, '');
}

function readOptionalUrl(name: string, value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (!URL.canParse(trimmed)) throw new Error(`${name} is not an absolute URL: ${trimmed}`);
  return trimmed;
}

function readUrlList(name: string, value: string | undefined): string[] {
  const entries = (value ?? '').split(/\s+/).filter((entry) => entry !== '');
  for (const entry of entries) readOptionalUrl(name, entry);
  return entries;
}

function readPositiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`${name} must be a positive integer, got "${value}"`);
  return parsed;
}

function readCodeTtl(value: string | undefined): number {
  const ttl = readPositiveInteger('AUTHORIZATION_CODE_TTL_SECONDS', value, AUTHORIZATION_CODE_TTL_SECONDS);
  if (ttl > AUTHORIZATION_CODE_TTL_SECONDS) {
    throw new Error(`AUTHORIZATION_CODE_TTL_SECONDS must be at most ${AUTHORIZATION_CODE_TTL_SECONDS}, got ${ttl}`);
  }
  return ttl;
}

function readReuseInterval(value: string | undefined): number {
  const name = 'REFRESH_TOKEN_REUSE_INTERVAL_SECONDS';
  if (value === undefined || value.trim() === '') return REFRESH_TOKEN_REUSE_INTERVAL_SECONDS;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > REFRESH_TOKEN_REUSE_INTERVAL_MAX_SECONDS) {
    throw new Error(`${name} must be an integer from 0 to ${REFRESH_TOKEN_REUSE_INTERVAL_MAX_SECONDS}, got "${value}"`);
  }
  return parsed;
}

function readRegistrationPolicy(value: string | undefined): RegistrationPolicy {
  const policy = value?.trim() || 'token';
  if (policy !== 'open' && policy !== 'token' && policy !== 'closed') {
    throw new Error(`REGISTRATION_POLICY must be open, token or closed, got "${policy}"`);
  }
  return policy;
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

/** No ISSUER, or a plain-http one (loopback only, readIssuer): development, where the outbox page answers. */
export function isLocalIssuer(issuer: string | undefined): boolean {
  return issuer === undefined || new URL(issuer).protocol === 'http:';
}
