// The request side of audit events (oauth/audit.ts): the caller's address and user agent, and the D1 write handed to
// ctx.waitUntil so it adds nothing to the response time.
import type { Context } from 'hono';
import { buildAuditEvent, writeAuditEvents, type AuditEventInput, type Auditor } from '../oauth/audit';
import { epochSeconds } from '../tokens/access-token';
import type { AppEnv } from './context';
import { connectingAddress } from './client-address';

/** Records one audit event for this request; returns at once. */
export function audit(c: Context<AppEnv>, event: AuditEventInput): void {
  auditorFor(c)(event);
}

/** An Auditor bound to this request, for code below http/ (grants, registration). */
export function auditorFor(c: Context<AppEnv>): Auditor {
  return (event) => {
    const origin = { clientAddress: connectingAddress(c), userAgent: c.req.header('user-agent') };
    writeAuditEvents(c.get('stores').auditEvents, [buildAuditEvent(event, origin, epochSeconds())], (work) =>
      deferToContext(c, work),
    );
  };
}

/** Hands work to ctx.waitUntil, so it runs after the response is sent. */
export function deferToContext(c: Context<AppEnv>, work: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    // app.request() without an execution context (some tests): the write still runs, unawaited.
  }
}
