// Every store of one D1 database, built once per binding.
import { databaseFor } from './db';
import { createClientStore } from './clients';
import { createCodeStore } from './codes';
import { createConsentStore } from './consents';
import { createRefreshTokenStore } from './refresh-tokens';
import type { ClientStore, CodeStore, ConsentStore, RefreshTokenStore } from './types';

export interface Stores {
  clients: ClientStore;
  codes: CodeStore;
  refreshTokens: RefreshTokenStore;
  consents: ConsentStore;
}

const storesByBinding = new WeakMap<D1Database, Stores>();

export function storesFor(binding: D1Database): Stores {
  let stores = storesByBinding.get(binding);
  if (!stores) {
    const db = databaseFor(binding);
    stores = {
      clients: createClientStore(db),
      codes: createCodeStore(db),
      refreshTokens: createRefreshTokenStore(db),
      consents: createConsentStore(db),
    };
    storesByBinding.set(binding, stores);
  }
  return stores;
}
