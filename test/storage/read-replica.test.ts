// storage/db.ts replicaDatabaseFor: Drizzle over a D1 session (`first-unconstrained`) reads what the primary wrote
// (local D1 has no replicas, so this checks the wiring: a session in place of the binding, one per isolate).
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { databaseFor, replicaDatabaseFor } from '../../src/storage/db';
import { storesFor } from '../../src/storage/stores';
import { createTestUser } from '../helpers/users';

describe('the read-replica database', () => {
  it('is a D1 session, built once per binding, reading the rows the primary wrote', async () => {
    expect(typeof env.DB.withSession).toBe('function');
    expect(replicaDatabaseFor(env.DB)).toBe(replicaDatabaseFor(env.DB));
    expect(replicaDatabaseFor(env.DB)).not.toBe(databaseFor(env.DB));
    const { user } = await createTestUser();
    expect(await storesFor(env.DB).replicaUsers.findById(user.id)).toMatchObject({
      id: user.id,
      username: user.username,
    });
  });
});
