// ClientStore on D1: the clients table through Drizzle.
import { asc, count, eq } from 'drizzle-orm';
import type { Database } from './db';
import { clients } from './schema';
import type { Client, ClientStore, TokenEndpointAuthMethod } from './types';

type ClientRow = typeof clients.$inferSelect;

export function createClientStore(db: Database): ClientStore {
  return {
    async findById(id) {
      const row = await db.select().from(clients).where(eq(clients.id, id)).get();
      return row ? toClient(row) : null;
    },
    async create(client) {
      await db.insert(clients).values(toRow(client));
    },
    async update(client) {
      const { id, ...fields } = toRow(client);
      await db.update(clients).set(fields).where(eq(clients.id, id));
    },
    async delete(id) {
      // D1 enforces foreign keys, so the ON DELETE CASCADE of codes, refresh tokens and consents runs here too.
      const deleted = await db.delete(clients).where(eq(clients.id, id)).returning({ id: clients.id });
      return deleted.length > 0;
    },
    async countByRegistrant(registrant) {
      const row = await db.select({ total: count() }).from(clients).where(eq(clients.registrant, registrant)).get();
      return row?.total ?? 0;
    },
    async listByOwner(ownerUserId) {
      const rows = await db
        .select()
        .from(clients)
        .where(eq(clients.ownerUserId, ownerUserId))
        .orderBy(asc(clients.createdAt), asc(clients.id));
      return rows.map(toClient);
    },
    async list() {
      const rows = await db.select().from(clients).orderBy(asc(clients.createdAt), asc(clients.id));
      return rows.map(toClient);
    },
  };
}

function toClient(row: ClientRow): Client {
  const { scope, tokenEndpointAuthMethod, ...rest } = row;
  return {
    ...rest,
    tokenEndpointAuthMethod: tokenEndpointAuthMethod as TokenEndpointAuthMethod,
    scopes: scope === '' ? [] : scope.split(' '),
  };
}

function toRow(client: Client): ClientRow {
  const { scopes, ...rest } = client;
  return { ...rest, secretCiphertext: client.secretCiphertext ?? null, scope: scopes.join(' ') };
}
