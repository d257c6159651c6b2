// ClientStore on D1: the clients table through Drizzle.
import { eq } from 'drizzle-orm';
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
  return { ...rest, scope: scopes.join(' ') };
}
