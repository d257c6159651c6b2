// AssertionJtiStore on D1: a used assertion `jti` is one INSERT that does nothing on a conflict, so of two
// concurrent uses of one assertion exactly one inserts (RFC 7523 §3 item 7).
import type { Database } from './db';
import { clientAssertionJtis } from './schema';
import type { AssertionJtiStore } from './types';

export function createAssertionJtiStore(db: Database): AssertionJtiStore {
  return {
    async useOnce(clientId, jti, expiresAt) {
      const inserted = await db
        .insert(clientAssertionJtis)
        .values({ clientId, jti, expiresAt })
        .onConflictDoNothing()
        .returning({ jti: clientAssertionJtis.jti })
        .get();
      return inserted !== undefined;
    },
  };
}
