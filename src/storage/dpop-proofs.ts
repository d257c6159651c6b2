// The DPoP replay store on D1 (RFC 9449 §11.1): a proof is claimed by one INSERT that does nothing when its id is
// already there, so of two isolates presented the same proof exactly one succeeds. purge.ts deletes expired ids.
import type { DPoPReplayStore } from '@portcullis/verify';
import type { Database } from './db';
import { dpopProofs } from './schema';

export function createDPoPProofStore(db: Database): DPoPReplayStore {
  return {
    async claim(id, expiresAtSeconds) {
      const inserted = await db
        .insert(dpopProofs)
        .values({ id, expiresAt: expiresAtSeconds })
        .onConflictDoNothing()
        .returning({ id: dpopProofs.id });
      return inserted.length === 1;
    },
  };
}
