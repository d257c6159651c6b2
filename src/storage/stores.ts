// Every store of one D1 database, built once per binding.
import { databaseFor } from './db';
import { createClientStore } from './clients';
import type { ClientStore } from './types';

export interface Stores {
  clients: ClientStore;
}

const storesByBinding = new WeakMap<D1Database, Stores>();

export function storesFor(binding: D1Database): Stores {
  let stores = storesByBinding.get(binding);
  if (!stores) {
    const db = databaseFor(binding);
    stores = { clients: createClientStore(db) };
    storesByBinding.set(binding, stores);
  }
  return stores;
}
