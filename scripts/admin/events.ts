// `events list`: the audit events of D1 (src/oauth/audit.ts), newest first, filtered by type, user, client and age.
import { auditLogLine } from '../../src/oauth/audit';
import type { AuditEvent } from '../../src/storage/types';
import { epochSeconds } from '../../src/tokens/access-token';
import { isoDate, parseCommandArgs, table, UsageError, type AdminCommand } from './command';

export const DEFAULT_EVENT_LIMIT = 50;
export const MAX_EVENT_LIMIT = 1000;
const DURATION_SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86400 };

export const EVENT_COMMANDS: AdminCommand[] = [
  {
    name: 'events list',
    usage:
      'events list [--type <type>] [--user <username|id>] [--client <client_id>] [--since <ISO date|30m|24h|7d>] [--limit <n>]',
    summary: `list audit events, newest first (default the last ${DEFAULT_EVENT_LIMIT})`,
    auditType: null,
    async run(argv, context) {
      const { values } = parseCommandArgs(argv, {
        type: { type: 'string' },
        user: { type: 'string' },
        client: { type: 'string' },
        since: { type: 'string' },
        limit: { type: 'string' },
      });
      const since = values.since === undefined ? undefined : parseSince(values.since);
      const limit = parseLimit(values.limit);
      const { stores } = await context.database();
      // A username names the user; anything else is taken as a user id (of a user since deleted, say).
      const user = values.user === undefined ? undefined : await stores.users.findByUsername(values.user.trim());
      const userId = values.user === undefined ? undefined : (user?.id ?? values.user);
      const events = await stores.auditEvents.list({
        type: values.type,
        userId,
        clientId: values.client,
        since,
        limit,
      });
      return {
        lines: events.length === 0 ? ['No events.'] : eventTable(events),
        json: events.map((event) => {
          const { event: _line, ...fields } = auditLogLine(event);
          return fields;
        }),
      };
    },
  },
];

function eventTable(events: AuditEvent[]): string[] {
  return table(
    ['AT', 'TYPE', 'OUTCOME', 'USER', 'CLIENT', 'ADDRESS', 'DETAILS'],
    events.map((event) => [
      isoDate(event.at),
      event.type,
      event.outcome,
      event.userId ?? '',
      event.clientId ?? '',
      event.clientAddress ?? '',
      event.details ? JSON.stringify(event.details) : '',
    ]),
  );
}

/** An ISO date, or a duration back from now: `30m`, `24h`, `7d`. */
function parseSince(value: string): number {
  const duration = /^(\d+)([mhd])$/.exec(value.trim());
  if (duration) return epochSeconds() - Number(duration[1]) * DURATION_SECONDS[duration[2]!]!;
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) throw new UsageError(`--since takes an ISO date or a duration like 24h, got ${value}`);
  return Math.floor(parsed / 1000);
}

function parseLimit(value: string | undefined): number {
  if (value === undefined) return DEFAULT_EVENT_LIMIT;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EVENT_LIMIT) {
    throw new UsageError(`--limit must be a whole number from 1 to ${MAX_EVENT_LIMIT}, got ${value}`);
  }
  return limit;
}
