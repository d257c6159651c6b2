// `npm run admin -- events list` on a temporary local D1 (issue 15 §2): filters by type, user, client and age, a
// limit, --json; and every change made from the CLI recorded as an audit event of its own.
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/storage/types';
import { admin, adminJson, randomName, useTemporaryDatabase, withDatabase } from './admin-harness';

const database = useTemporaryDatabase();
const run = (args: string[]) => admin(database.persistTo, args);
const runJson = <T = Array<Record<string, unknown>>>(args: string[]) => adminJson<T>(database.persistTo, args);
const now = () => Math.floor(Date.now() / 1000);

function event(overrides: Partial<AuditEvent>): AuditEvent {
  return {
    id: crypto.randomUUID(),
    at: now(),
    type: 'login',
    outcome: 'success',
    userId: null,
    clientId: null,
    clientAddress: '192.0.2.1',
    userAgent: 'Firefox',
    details: null,
    ...overrides,
  };
}

describe('npm run admin -- events list', () => {
  it('filters by type, user, client and age, newest first, with a limit', async () => {
    const t = now();
    const { id: userId, username } = await adminJson<{ id: string; username: string }>(database.persistTo, [
      'users',
      'create',
      randomName('eve'),
    ]);
    await withDatabase(database.persistTo, (stores) =>
      stores.auditEvents.record([
        event({ userId, at: t - 3 * 86400, details: { reason: 'old' } }),
        event({ userId, at: t - 60, outcome: 'failure', details: { reason: 'invalid_credentials' } }),
        event({ userId, at: t - 30 }),
        event({ type: 'token_issued', clientId: 'nightly', at: t - 10 }),
      ]),
    );

    const mine = await runJson(['events', 'list', '--user', username, '--type', 'login', '--since', '24h']);
    expect(mine.map((row) => [row.outcome, row.at])).toEqual([
      ['success', t - 30],
      ['failure', t - 60],
    ]);
    expect(mine[0]).toEqual({
      id: expect.any(String),
      at: expect.any(Number),
      type: 'login',
      outcome: 'success',
      user_id: userId,
      client_id: null,
      client_address: '192.0.2.1',
      user_agent: 'Firefox',
      details: null,
    });
    expect(await runJson(['events', 'list', '--user', userId, '--limit', '1'])).toHaveLength(1);
    expect((await runJson(['events', 'list', '--client', 'nightly'])).map((row) => row.type)).toEqual(['token_issued']);
    const since = new Date((t - 4 * 86400) * 1000).toISOString();
    // The three sign-ins, and the CLI's own record of `users create`.
    expect(await runJson(['events', 'list', '--user', username, '--since', since])).toHaveLength(4);

    const table = await run(['events', 'list', '--client', 'nightly']);
    expect(table.stdout.split('\n')[0]).toMatch(/^AT\s+TYPE\s+OUTCOME\s+USER\s+CLIENT\s+ADDRESS\s+DETAILS$/);
    expect(await run(['events', 'list', '--limit', '0'])).toMatchObject({ status: 2 });
    expect(await run(['events', 'list', '--since', 'yesterday-ish'])).toMatchObject({ status: 2 });
  });

  it('records every change made from the CLI, with the command and its arguments but never a password', async () => {
    const username = randomName('fay');
    await run(['users', 'create', username]);
    await run(['users', 'disable', username]);
    const client = await adminJson<{ client_id: string }>(database.persistTo, [
      'clients',
      'create',
      '--name',
      'Audited',
      '--grant-types',
      'client_credentials',
    ]);
    const recorded = await runJson(['events', 'list', '--since', '1h', '--limit', '50']);
    const fromCli = (command: string, argument: string) =>
      recorded.filter((row) => {
        const details = row.details as { via?: string; command?: string; arguments?: string[] } | null;
        return details?.via === 'admin_cli' && details.command === command && details.arguments?.includes(argument);
      });
    expect(fromCli('users create', username)).toEqual([
      expect.objectContaining({ type: 'admin_action', user_id: expect.any(String), user_agent: 'portcullis-admin' }),
    ]);
    expect(fromCli('users disable', username)).toEqual([expect.objectContaining({ type: 'admin_action' })]);
    expect(fromCli('clients create', 'Audited')).toEqual([
      expect.objectContaining({ type: 'client_created', client_id: client.client_id }),
    ]);
    expect(JSON.stringify(recorded)).not.toMatch(/client_secret|password/);
    // Reading is not an event.
    expect(recorded.some((row) => (row.details as { command?: string } | null)?.command === 'events list')).toBe(false);
  });
});
