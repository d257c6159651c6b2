// The life of a managed signing key, computed from its row and the clock alone, so that every isolate (and the
// admin CLI) reading the same rows reaches the same answer: published, then signing, then retiring while tokens it
// signed may still be presented, then gone. Key rollover as RFC 7517 §5 and OIDC Core §10.1.1 describe it.

export type ManagedAlgorithm = 'ES256' | 'RS256';

/** What the schedule needs of a stored key. */
export interface ScheduledKey {
  kid: string;
  alg: ManagedAlgorithm;
  rotation: number;
  createdAt: number;
  activatesAt: number;
  revokedAt: number | null;
}

export interface KeyTiming {
  /** How long a new key is published before it signs: longer than any cache honouring the JWKS Cache-Control. */
  publicationLeadSeconds: number;
  /** How long a superseded key stays published: longer than any token it signed lives, plus the JWKS caches. */
  retireAfterSeconds: number;
}

/**
 * `published`: in the JWKS, not signing yet. `signing`: the newest active key of its algorithm. `retiring`: a newer
 * key signs; still published for the tokens this one signed. `retired`: out of the JWKS. `revoked`: out at once.
 */
export type KeyState = 'published' | 'signing' | 'retiring' | 'retired' | 'revoked';

export interface KeyStatus<K extends ScheduledKey = ScheduledKey> {
  key: K;
  state: KeyState;
  /** When a newer key of the same algorithm started signing, if one has. */
  supersededAt: number | undefined;
  /** When it leaves (or left) the JWKS; undefined while no newer key has started signing. */
  unpublishedAt: number | undefined;
}

export function keyStatuses<K extends ScheduledKey>(
  keys: readonly K[],
  now: number,
  timing: KeyTiming,
): KeyStatus<K>[] {
  return keys.map((key) => {
    const supersededAt = supersessionTime(key, keys, now);
    const unpublishedAt =
      key.revokedAt !== null && key.revokedAt <= now
        ? key.revokedAt
        : supersededAt === undefined
          ? undefined
          : supersededAt + timing.retireAfterSeconds;
    return { key, state: stateOf(key, now, supersededAt, unpublishedAt), supersededAt, unpublishedAt };
  });
}

function stateOf(
  key: ScheduledKey,
  now: number,
  supersededAt: number | undefined,
  unpublishedAt: number | undefined,
): KeyState {
  if (key.revokedAt !== null && key.revokedAt <= now) return 'revoked';
  if (now < key.activatesAt) return 'published';
  if (supersededAt === undefined) return 'signing';
  return unpublishedAt !== undefined && now < unpublishedAt ? 'retiring' : 'retired';
}

/**
 * The first moment a later rotation of the same algorithm signed. A later key revoked before it ever signed
 * supersedes nothing, so cancelling a pending key leaves the current one signing.
 */
function supersessionTime(key: ScheduledKey, keys: readonly ScheduledKey[], now: number): number | undefined {
  let earliest: number | undefined;
  for (const later of keys) {
    if (later.alg !== key.alg || later.rotation <= key.rotation || later.activatesAt > now) continue;
    if (later.revokedAt !== null && later.revokedAt <= later.activatesAt) continue;
    if (earliest === undefined || later.activatesAt < earliest) earliest = later.activatesAt;
  }
  return earliest;
}

/** The keys that sign now, one per algorithm at most, and every key the JWKS lists now. */
export function keysInUse<K extends ScheduledKey>(
  keys: readonly K[],
  now: number,
  timing: KeyTiming,
): { signers: Map<ManagedAlgorithm, K>; published: K[] } {
  const signers = new Map<ManagedAlgorithm, K>();
  const published: K[] = [];
  // Newest rotation first, so the JWKS lists the signing keys before the ones on their way out.
  const statuses = keyStatuses(keys, now, timing).sort((a, b) => b.key.rotation - a.key.rotation);
  for (const { key, state } of statuses) {
    if (state === 'signing' && !signers.has(key.alg)) signers.set(key.alg, key);
    if (state === 'published' || state === 'signing' || state === 'retiring') published.push(key);
  }
  return { signers, published };
}
