// Worker bindings: D1, plain vars from wrangler.toml, and secrets set with `wrangler secret put` (.dev.vars locally).
export interface Bindings {
  DB: D1Database;
  /** Public base URL of the issuer; empty means "the request origin" (development only). */
  ISSUER?: string;
  /** Secret: a JWK set with private members; the first key signs. */
  SIGNING_KEYS?: string;
  /** Secret, instead of SIGNING_KEYS: 32 random bytes (base64) sealing the Worker's own managed keys in D1. */
  KEY_ENCRYPTION_KEY?: string;
  /** `true` records an audit event per token response (default false: client-credentials traffic is heavy). */
  AUDIT_TOKEN_EVENTS?: string;
  /** Days audit events are kept; default 90. */
  AUDIT_RETENTION_DAYS?: string;
  /** Managed keys: days between rotations; default 30. */
  SIGNING_KEY_ROTATION_DAYS?: string;
  /** open | token | closed */
  REGISTRATION_POLICY?: string;
  /** Secret: the initial access token for POST /oauth/register under the `token` policy. */
  REGISTRATION_TOKEN?: string;
  /** Clients one registrant may register dynamically; default 50. */
  REGISTRATION_MAX_CLIENTS_PER_REGISTRANT?: string;
  /** POST /oauth/register requests per client IP per window; default 20. */
  REGISTRATION_RATE_LIMIT?: string;
  /** Sign-ups per client IP per hour (default 10). */
  SIGNUP_RATE_LIMIT?: string;
  /** Failed client authentications per client id and address per 5 minutes before 429 (default 20). */
  CLIENT_AUTH_FAILURE_LIMIT?: string;
  /** Secret: 32 bytes base64url sealing client_secret_jwt secrets (AES-GCM); unset turns that method off. */
  CLIENT_SECRET_ENCRYPTION_KEY?: string;
  /** Secret: 32 bytes base64url sealing TOTP secrets (AES-GCM); unset, two-factor codes cannot be set up. */
  TOTP_ENCRYPTION_KEY?: string;
  /** `true`: every authorization request must come through PAR (RFC 9126 §5); default false. */
  REQUIRE_PUSHED_AUTHORIZATION_REQUESTS?: string;
  /** The registration rate limit window in seconds; default 3600. */
  REGISTRATION_RATE_LIMIT_WINDOW_SECONDS?: string;
  ACCESS_TOKEN_TTL_SECONDS?: string;
  /** Login session lifetime in seconds; default 28800 (8 hours). */
  SESSION_TTL_SECONDS?: string;
  /** At most 60 (RFC 6749 §4.1.2 recommends a 10-minute maximum; OAuth 2.1 practice is one minute). */
  AUTHORIZATION_CODE_TTL_SECONDS?: string;
  /** How long an unused refresh token lives; each rotation starts a new idle period. */
  REFRESH_TOKEN_IDLE_TTL_SECONDS?: string;
  /** How long a refresh token family lives from the sign-in that began it, however often it is rotated. */
  REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS?: string;
  /** Seconds after a rotation in which the same client may present the rotated token again (0 to 60, default 0). */
  REFRESH_TOKEN_REUSE_INTERVAL_SECONDS?: string;
  /** Default `aud` of access tokens when the request names no `resource`; defaults to `<issuer>/api`. */
  DEFAULT_AUDIENCE?: string;
  /** Further resource indicators (RFC 8707) tokens may be issued for, space-separated. */
  RESOURCES?: string;
  /** API scopes as JSON: `{ "<name>": { "description", "resources"?, "public_clients"? } }`; default read and write. */
  SCOPES?: string;
  /** `false` turns off Client ID Metadata Documents (https URL client_ids); default on. */
  CLIENT_METADATA_DOCUMENTS?: string;
  /** `true` (local development only) also fetches http://localhost client metadata documents. */
  CLIENT_METADATA_DOCUMENTS_ALLOW_LOCALHOST?: string;
  /** Secret: when set, DPoP proofs must carry a server nonce derived from it (RFC 9449 §8); at least 16 characters. */
  DPOP_NONCE_SECRET?: string;
  /** `true`: public clients must send DPoP proofs at the token endpoint (RFC 9449 §5); default false. */
  DPOP_REQUIRED_FOR_PUBLIC_CLIENTS?: string;
  /**
   * Upstream OpenID providers as JSON: `{ "<id>": { "name", "issuer", "client_id", "client_secret_binding",
   * "scopes"? } }`; each client secret is the Worker secret `client_secret_binding` names (docs/accounts.md).
   */
  UPSTREAM_PROVIDERS?: string;
  /** `outbox` (default: kept for /dev/outbox) or `cloudflare` (the EMAIL binding); docs/accounts.md. */
  MAILER?: string;
  /** The sender address of mail with MAILER=cloudflare, e.g. `no-reply@auth.example.com`. */
  MAIL_FROM?: string;
  /** Mail sent per client IP per hour (default 10). */
  MAIL_RATE_LIMIT?: string;
  /** Mail sent per recipient address per hour (default 5). */
  MAIL_RECIPIENT_RATE_LIMIT?: string;
  /** Cloudflare Email Service `send_email` binding ([env.production] in wrangler.toml), for MAILER=cloudflare. */
  EMAIL?: SendEmail;
}
