// Audit events (issue 15 §2): one record per security-relevant action, written to D1 off the response path and to
// the Worker log as one JSON line. What an event may hold is fixed here: ids, an address, a user agent and a few
// plain fields, never a secret, token, code or password.
import type { AuditEvent, AuditEventStore } from '../storage/types';

export type AuditEventType =
  | 'login'
  | 'login_lockout'
  | 'signup'
  | 'logout'
  | 'signed_out_everywhere'
  | 'passkey_added'
  | 'passkey_renamed'
  | 'passkey_removed'
  | 'two_factor_enabled'
  | 'two_factor_disabled'
  | 'recovery_codes_replaced'
  | 'consent_granted'
  | 'consent_revoked'
  | 'refresh_token_reuse'
  | 'client_created'
  | 'client_updated'
  | 'client_deleted'
  | 'client_secret_rotated'
  | 'registration_refused'
  | 'key_published'
  | 'key_activated'
  | 'key_retired'
  | 'key_revoked'
  | 'admin_action'
  | 'token_issued'
  | 'upstream_linked'
  | 'upstream_unlinked'
  | 'email_changed'
  | 'email_verified'
  | 'password_reset_requested'
  | 'password_reset';

export interface AuditEventInput {
  type: AuditEventType;
  /** Default `success`. */
  outcome?: AuditEvent['outcome'];
  userId?: string | null | undefined;
  clientId?: string | null | undefined;
  /** Plain values only; the call sites pass names, reasons, grant types, kids. */
  details?: Record<string, string | number | boolean | null | string[]>;
  /** When it happened, if not now (a key that activated between two cron runs). */
  at?: number;
}

/** Where a request came from. */
export interface AuditOrigin {
  clientAddress: string | undefined;
  userAgent: string | undefined;
}

/** Records an event without the caller waiting for it; a failed write is logged, never thrown. */
export type Auditor = (event: AuditEventInput) => void;

/** User agents are client-chosen; a long one is cut rather than stored whole. */
const USER_AGENT_MAX_LENGTH = 256;

export function buildAuditEvent(input: AuditEventInput, origin: AuditOrigin, nowSeconds: number): AuditEvent {
  return {
    id: crypto.randomUUID(),
    at: input.at ?? nowSeconds,
    type: input.type,
    outcome: input.outcome ?? 'success',
    userId: input.userId ?? null,
    clientId: input.clientId ?? null,
    clientAddress: origin.clientAddress ?? null,
    userAgent: origin.userAgent?.slice(0, USER_AGENT_MAX_LENGTH) ?? null,
    details: input.details ?? null,
  };
}

/**
 * Logs each event as one JSON line (Workers Logs) and hands the D1 write to `defer` (ctx.waitUntil), so the
 * response never waits for it and a failed write only logs.
 */
export function writeAuditEvents(
  store: AuditEventStore,
  events: AuditEvent[],
  defer: (work: Promise<unknown>) => void,
): void {
  for (const event of events) console.log(JSON.stringify(auditLogLine(event)));
  defer(store.record(events).catch((error: unknown) => console.error('audit event write failed:', error)));
}

/**
 * Why a sign-in failed; `locked_now` is the failure that locked the account or the address; `invalid_second_factor`
 * a wrong two-factor code; `second_factor_required` a right password where no second factor can be asked for (the
 * password grant).
 */
export type SignInFailure =
  | 'invalid_credentials'
  | 'invalid_second_factor'
  | 'locked'
  | 'locked_now'
  | 'second_factor_required';

/**
 * A failed sign-in, `login_lockout` when it locked the account or address. The username is the canonical form of
 * what was typed (null when it cannot be a username), as every identity provider's log has it.
 */
export function signInFailedEvent(username: string | null, reason: SignInFailure, clientId?: string): AuditEventInput {
  return {
    type: reason === 'locked_now' ? 'login_lockout' : 'login',
    outcome: 'failure',
    clientId,
    details: { username, reason },
  };
}

/** AUDIT_TOKEN_EVENTS: which client got tokens by which grant, for which scope (never the tokens). */
export function tokenIssuedEvent(clientId: string, grantType: string, scope: string | undefined): AuditEventInput {
  return { type: 'token_issued', clientId, details: { grant_type: grantType, scope: scope ?? null } };
}

/** The log line and the admin CLI's --json use the same snake_case shape. */
export function auditLogLine(event: AuditEvent): Record<string, unknown> {
  return {
    event: 'audit',
    id: event.id,
    at: event.at,
    type: event.type,
    outcome: event.outcome,
    user_id: event.userId,
    client_id: event.clientId,
    client_address: event.clientAddress,
    user_agent: event.userAgent,
    details: event.details,
  };
}
