// The hourly cron of wrangler.toml (docs/operations.md): deletes expired codes, tokens, sessions and counters, audit
// events past AUDIT_RETENTION_DAYS, and with managed keys starts a due rotation and records key events.
import { ConfigError, loadConfig } from './config';
import type { Bindings } from './env';
import { buildAuditEvent, writeAuditEvents } from './oauth/audit';
import { maintainKeys } from './oauth/managed-keys';
import { managedKeysFor } from './oauth/signing-key-source';
import { databaseFor } from './storage/db';
import { purgeExpired } from './storage/purge';
import { storesFor } from './storage/stores';

/** The cron's period (`17 * * * *`): key events are those of the hour since the previous run. */
export const CRON_PERIOD_SECONDS = 3600;

export async function runScheduled(
  controller: ScheduledController,
  env: Bindings,
  ctx: ExecutionContext,
): Promise<void> {
  const now = Math.floor(controller.scheduledTime / 1000);
  const purged = await purgeExpired(databaseFor(env.DB), now);
  console.log(JSON.stringify({ event: 'purge_expired', cron: controller.cron, ...purged }));

  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return;
  }
  const stores = storesFor(env.DB);
  const auditEvents = await stores.auditEvents.purgeBefore(now - config.auditRetentionDays * 24 * 3600);
  console.log(JSON.stringify({ event: 'purge_audit_events', cron: controller.cron, auditEvents }));

  const managed = managedKeysFor(config, stores);
  if (!managed) return;
  const { events, deletedRotations } = await maintainKeys(managed, now, now - CRON_PERIOD_SECONDS);
  const origin = { clientAddress: undefined, userAgent: undefined };
  writeAuditEvents(
    stores.auditEvents,
    events.map((event) => buildAuditEvent(event, origin, now)),
    (work) => ctx.waitUntil(work),
  );
  if (deletedRotations.length > 0) console.log(JSON.stringify({ event: 'keys_deleted', rotations: deletedRotations }));
}
