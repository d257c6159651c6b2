// Where a DPoP proof's `jti` is remembered until the proof is too old to be accepted anyway (RFC 9449 §11.1), so a
// captured proof cannot be sent twice. The default store lives in memory; a deployment with several isolates
// (every Worker) plugs in a shared one for replay protection across them.

/** Records proof identifiers atomically; shared by every request of a verifier. */
export interface DPoPReplayStore {
  /** Records `id` until `expiresAtSeconds`; true if it was new, false if it was already recorded (a replay). */
  claim(id: string, expiresAtSeconds: number): Promise<boolean>;
}

/** Identifiers remembered by the in-memory store at most; the oldest are forgotten first. */
export const DPOP_REPLAY_MAX_ENTRIES = 10_000;

/**
 * An in-memory replay store for one isolate. Its limits: a proof replayed to another isolate (another Worker
 * instance, another server) is not recognised, and under more than `maxEntries` proofs per proof lifetime the
 * oldest identifiers are forgotten early. Use a shared store (D1, Durable Object, Redis) where that matters.
 */
export function createMemoryReplayStore(maxEntries: number = DPOP_REPLAY_MAX_ENTRIES): DPoPReplayStore {
  // A Map iterates in insertion order, so its first key is the oldest entry.
  const expiries = new Map<string, number>();
  return {
    async claim(id, expiresAtSeconds) {
      const nowSeconds = Math.floor(Date.now() / 1000);
      const known = expiries.get(id);
      if (known !== undefined && known > nowSeconds) return false;
      expiries.delete(id);
      while (expiries.size >= maxEntries) {
        const oldest = expiries.keys().next();
        if (oldest.done) break;
        expiries.delete(oldest.value);
      }
      expiries.set(id, expiresAtSeconds);
      return true;
    },
  };
}
