// Creates a seeded client once, and keeps its secret in step with .dev.vars; its other fields are left as they are,
// so changes made through the admin command line or the developer pages survive restarts.
import { eq } from 'drizzle-orm';
import { clients } from '../../src/storage/schema';
import type { Client } from '../../src/storage/types';
import { epochSeconds } from '../../src/tokens/access-token';
import { hashOpaqueToken } from '../../src/tokens/opaque';
import type { SeedContext } from './types';

export type SeededClient = Pick<
  Client,
  | 'id'
  | 'name'
  | 'type'
  | 'tokenEndpointAuthMethod'
  | 'redirectUris'
  | 'grantTypes'
  | 'responseTypes'
  | 'allowedOrigins'
  | 'scopes'
  | 'metadata'
>;

/** `secret` is null for a public client. Only its hash is stored, as for any client. */
export async function ensureSeededClient(
  { stores, db }: SeedContext,
  seeded: SeededClient,
  secret: string | null,
): Promise<void> {
  const secretHash = secret === null ? null : await hashOpaqueToken(secret);
  const existing = await stores.clients.findById(seeded.id);
  const now = epochSeconds();
  if (!existing) {
    await stores.clients.create({
      ...seeded,
      secretHash,
      registrationTokenHash: null,
      registrant: null,
      ownerUserId: null,
      createdAt: now,
      updatedAt: now,
    });
  } else if (existing.secretHash !== secretHash) {
    // The secret was edited in .dev.vars: the row follows it. (A plain comparison of two hashes of our own secret:
    // nothing here is attacker-timed.)
    await db.update(clients).set({ secretHash, updatedAt: now }).where(eq(clients.id, seeded.id));
  }
}
