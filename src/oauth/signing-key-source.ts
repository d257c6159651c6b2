// The isolate's source of signing keys, by key mode: the SIGNING_KEYS secret imported once, or the Worker's managed
// keys in D1 (oauth/managed-keys.ts).
import type { Config } from '../config';
import type { Stores } from '../storage/stores';
import { importKeyEncryptionKey } from '../tokens/key-encryption';
import { fixedKeySource, importKeyRing, type SigningKeySource } from '../tokens/keys';
import { managedKeySource, managedKeyTiming, type ManagedKeys } from './managed-keys';

export function signingKeySourceFor(config: Config, stores: Stores): SigningKeySource {
  const managed = managedKeysFor(config, stores);
  if (managed) return managedKeySource(managed);
  const ring = importKeyRing([...config.signingKeys]);
  // Surface a key that parses but cannot be imported at start-up, in the logs, not per request.
  ring.catch((error: unknown) => console.error('SIGNING_KEYS could not be imported:', error));
  return fixedKeySource(ring, [...new Set(config.signingKeys.map((key) => key.alg))]);
}

/** The managed-key settings of this configuration, or undefined when SIGNING_KEYS is in use. */
export function managedKeysFor(config: Config, stores: Stores): ManagedKeys | undefined {
  if (!config.managedKeys) return undefined;
  return {
    store: stores.signingKeys,
    auditEvents: stores.auditEvents,
    keyEncryptionKey: importKeyEncryptionKey(config.managedKeys.keyEncryptionKey),
    // ID Tokens live as long as access tokens (oauth/issue-tokens.ts), so that is the longest signed lifetime.
    timing: managedKeyTiming(config.accessTokenTtlSeconds),
    rotationSeconds: config.managedKeys.rotationDays * 24 * 3600,
  };
}
