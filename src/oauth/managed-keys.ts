// Managed signing keys (issue 15 §1): the Worker generates its own ES256 (access tokens) and RS256 (ID Tokens)
// keys, keeps them in D1 sealed under KEY_ENCRYPTION_KEY, and rotates them on a schedule with a publication lead
// and a retirement delay (tokens/key-schedule.ts). Isolates agree because they compute the same schedule from the
// same rows; each caches the rows for KEY_STATE_CACHE_SECONDS. docs/operations.md has the timeline.
import { calculateJwkThumbprint, importJWK, type JWK } from 'jose';
import type { AuditEventStore, SigningKeyStore, StoredSigningKey } from '../storage/types';
import { epochSeconds } from '../tokens/access-token';
import { buildAuditEvent, writeAuditEvents, type AuditEventInput } from './audit';
import { generateSigningJwk } from '../tokens/generate-key';
import { openPrivateJwk, sealPrivateJwk } from '../tokens/key-encryption';
import { keyStatuses, keysInUse, type KeyTiming, type ManagedAlgorithm } from '../tokens/key-schedule';
import {
  buildKeyRing,
  JWKS_MAX_AGE_SECONDS,
  publicJwkOf,
  publishedJwk,
  type KeyRing,
  type SigningKey,
  type SigningKeySource,
} from '../tokens/keys';

/** One key of each per rotation: ES256 signs access tokens, RS256 ID Tokens (OIDC Core §15.1 requires RS256). */
export const MANAGED_ALGORITHMS: readonly ManagedAlgorithm[] = ['ES256', 'RS256'];
/** How long an isolate trusts the rows it read; a revocation reaches every isolate within it. */
export const KEY_STATE_CACHE_SECONDS = 60;
/** Slack for clock skew and caches that count max-age from a little later than the response was made. */
export const KEY_TIMING_MARGIN_SECONDS = 300;
/** Rotations whose keys all left the JWKS this long ago are deleted by the cron (`keys list` shows them till then). */
export const KEY_HISTORY_RETENTION_SECONDS = 7 * 24 * 3600;

export interface ManagedKeys {
  store: SigningKeyStore;
  /** Where key_published events of keys made on the request path go (the cron records its own). */
  auditEvents: AuditEventStore;
  keyEncryptionKey: Promise<CryptoKey>;
  timing: KeyTiming;
  /** SIGNING_KEY_ROTATION_DAYS in seconds. */
  rotationSeconds: number;
}

/**
 * Lead: an isolate may serve a JWKS read up to KEY_STATE_CACHE_SECONDS ago, and a cache may keep that JWKS for
 * JWKS_MAX_AGE_SECONDS, so a key published for longer than both (plus the margin) is in every honest cache.
 * Retirement: the last token a superseded key signed lives `longestTokenTtlSeconds`, and must verify against a
 * JWKS fetched at any moment of that life.
 */
export function managedKeyTiming(longestTokenTtlSeconds: number): KeyTiming {
  const caches = KEY_STATE_CACHE_SECONDS + JWKS_MAX_AGE_SECONDS + KEY_TIMING_MARGIN_SECONDS;
  return { publicationLeadSeconds: caches, retireAfterSeconds: longestTokenTtlSeconds + caches };
}

/** What the keys need now: `immediate` keys when none signs (first start, a revoked signer), or a normal rotation. */
export type KeyMaintenance = 'immediate' | 'rotation' | null;

export function keyMaintenanceDue(
  keys: ManagedKeys,
  rows: readonly StoredSigningKey[],
  now: number,
  { scheduled }: { scheduled: boolean },
): KeyMaintenance {
  const { signers } = keysInUse(rows, now, keys.timing);
  if (MANAGED_ALGORITHMS.some((alg) => !signers.has(alg))) return 'immediate';
  const statuses = keyStatuses(rows, now, keys.timing);
  // A rotation already under way (published, waiting for its lead) is the one asked for.
  if (statuses.some((status) => status.state === 'published')) return null;
  const newest = rows.reduce((latest, row) => (row.rotation > latest.rotation ? row : latest));
  if (rows.some((row) => row.rotation === newest.rotation && row.rotationRequestedAt !== null)) return 'rotation';
  return scheduled && newest.createdAt + keys.rotationSeconds <= now ? 'rotation' : null;
}

/**
 * Generates and stores the next rotation. `immediate` keys sign at once: the first keys (no JWKS was ever served),
 * or a replacement for a revoked key, where signing with a leaked key for the lead time would be worse than a
 * resource server refetching the JWKS for an unknown kid. Returns the stored keys, or null when another isolate
 * stored this rotation first.
 */
export async function startRotation(
  keys: ManagedKeys,
  rows: readonly StoredSigningKey[],
  now: number,
  maintenance: Exclude<KeyMaintenance, null>,
): Promise<StoredSigningKey[] | null> {
  const rotation = Math.max(0, ...rows.map((row) => row.rotation)) + 1;
  const activatesAt = maintenance === 'immediate' ? now : now + keys.timing.publicationLeadSeconds;
  const keyEncryptionKey = await keys.keyEncryptionKey;
  const sealed = await Promise.all(
    MANAGED_ALGORITHMS.map(async (alg): Promise<StoredSigningKey> => {
      const privateJwk = await generateSigningJwk(alg);
      const publicJwk = publicJwkOf(privateJwk);
      const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
      return {
        kid,
        alg,
        rotation,
        publicJwk: { ...publicJwk },
        encryptedPrivateJwk: await sealPrivateJwk(keyEncryptionKey, kid, privateJwk),
        createdAt: now,
        activatesAt,
        revokedAt: null,
        rotationRequestedAt: null,
      };
    }),
  );
  return (await keys.store.insertRotation(sealed)) ? sealed : null;
}

/**
 * The cron's part: a due rotation, then the deletion of rotations long gone from the JWKS. `events` are the keys
 * published now and those that started signing or left the JWKS since the previous run (`since`).
 */
export async function maintainKeys(
  keys: ManagedKeys,
  now: number,
  since = now,
): Promise<{ started: StoredSigningKey[]; deletedRotations: number[]; events: AuditEventInput[] }> {
  let rows = await keys.store.list();
  const due = keyMaintenanceDue(keys, rows, now, { scheduled: true });
  const started = (due === null ? null : await startRotation(keys, rows, now, due)) ?? [];
  if (started.length > 0) rows = await keys.store.list();
  const events = [...started.map(keyPublishedEvent), ...keyTransitionEvents(keys, rows, since, now)];
  const deletedRotations = expiredRotations(keys, rows, now);
  await keys.store.deleteRotations(deletedRotations);
  return { started, deletedRotations, events };
}

function keyPublishedEvent(key: StoredSigningKey): AuditEventInput {
  return {
    type: 'key_published',
    at: key.createdAt,
    details: { kid: key.kid, alg: key.alg, rotation: key.rotation, activates_at: key.activatesAt },
  };
}

/** Keys that started signing, or left the JWKS on schedule, in (since, now]. */
function keyTransitionEvents(
  keys: ManagedKeys,
  rows: readonly StoredSigningKey[],
  since: number,
  now: number,
): AuditEventInput[] {
  const within = (at: number | undefined): at is number => at !== undefined && since < at && at <= now;
  return keyStatuses(rows, now, keys.timing).flatMap(({ key, state, unpublishedAt }) => {
    const details = { kid: key.kid, alg: key.alg, rotation: key.rotation };
    const events: AuditEventInput[] = [];
    if (within(key.activatesAt) && key.revokedAt === null)
      events.push({ type: 'key_activated', at: key.activatesAt, details });
    if (state === 'retired' && within(unpublishedAt)) events.push({ type: 'key_retired', at: unpublishedAt, details });
    return events;
  });
}

/**
 * Rotations every key of which left the JWKS more than KEY_HISTORY_RETENTION_SECONDS ago, oldest first and stopping
 * at the first that did not: a key's retirement depends on the later rotations, never on the earlier ones, so
 * deleting from the oldest end changes no remaining key's schedule. The newest rotation always stays.
 */
function expiredRotations(keys: ManagedKeys, rows: readonly StoredSigningKey[], now: number): number[] {
  const statuses = keyStatuses(rows, now, keys.timing);
  const rotations = [...new Set(rows.map((row) => row.rotation))].sort((a, b) => a - b).slice(0, -1);
  const expired: number[] = [];
  for (const rotation of rotations) {
    const gone = statuses
      .filter((status) => status.key.rotation === rotation)
      .every(
        ({ state, unpublishedAt }) =>
          (state === 'retired' || state === 'revoked') &&
          unpublishedAt !== undefined &&
          unpublishedAt + KEY_HISTORY_RETENTION_SECONDS <= now,
      );
    if (!gone) break;
    expired.push(rotation);
  }
  return expired;
}

/** The key ring source for requests: rows cached per isolate, the schedule evaluated on every call. */
export function managedKeySource(keys: ManagedKeys): SigningKeySource {
  // Finished values only (STYLE §11): the rows read, the imported private keys, the ring last built.
  let loaded: { rows: StoredSigningKey[]; at: number } | undefined;
  const signingKeys = new Map<string, SigningKey>();
  let lastRing: { id: string; ring: KeyRing } | undefined;

  async function signingKeyOf(row: StoredSigningKey): Promise<SigningKey> {
    let key = signingKeys.get(row.kid);
    if (!key) {
      const jwk = await openPrivateJwk(await keys.keyEncryptionKey, row.kid, row.encryptedPrivateJwk);
      key = { kid: row.kid, alg: row.alg, privateKey: (await importJWK(jwk, row.alg)) as CryptoKey };
      signingKeys.set(row.kid, key);
    }
    return key;
  }

  return {
    algorithms: MANAGED_ALGORITHMS,
    async current() {
      const now = epochSeconds();
      if (!loaded || now - loaded.at >= KEY_STATE_CACHE_SECONDS || now < loaded.at) {
        loaded = { rows: await readRows(keys, now), at: now };
      }
      const { signers, published } = keysInUse(loaded.rows, now, keys.timing);
      const ordered = MANAGED_ALGORITHMS.map((alg) => signers.get(alg));
      if (ordered.some((row) => row === undefined)) throw new Error('no managed signing key signs now');
      const id = [...ordered, ...published].map((row) => row!.kid).join(' ');
      if (lastRing?.id !== id) {
        const ring = await buildKeyRing(
          await Promise.all(ordered.map((row) => signingKeyOf(row!))),
          published.map((row) => publishedJwk(row.publicJwk as JWK, row.kid, row.alg)),
        );
        lastRing = { id, ring };
      }
      return lastRing.ring;
    },
  };
}

const NO_ORIGIN = { clientAddress: undefined, userAgent: undefined };

/** The rows, after making sure some key signs and fulfilling a rotation `keys rotate` asked for. */
async function readRows(keys: ManagedKeys, now: number): Promise<StoredSigningKey[]> {
  const rows = await keys.store.list();
  const due = keyMaintenanceDue(keys, rows, now, { scheduled: false });
  if (due === null) return rows;
  const started = await startRotation(keys, rows, now, due);
  if (started) {
    // Rare (a first start, a revoked signer, a requested rotation) and already slow: the event write is awaited.
    const events = started.map((key) => buildAuditEvent(keyPublishedEvent(key), NO_ORIGIN, now));
    const writes: Promise<unknown>[] = [];
    writeAuditEvents(keys.auditEvents, events, (work) => writes.push(work));
    await Promise.all(writes);
  }
  // Whether this isolate's rotation or a concurrent one was stored, the table now holds the winner.
  return keys.store.list();
}
