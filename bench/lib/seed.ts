// Data the bench needs, made at run time: signing keys (src/tokens/generate-key.ts), the confidential client, the
// many clients that keep the client cache cold, the sample API's rows, and access tokens minted with the server's
// own key for the "never-seen token" verifier target. Everything goes through the project's own stores and token
// code, so the rows and tokens are exactly what Portcullis would write and issue.
import { generateSigningKeySet } from '../../src/tokens/generate-key';
import { issueAccessToken } from '../../src/tokens/access-token';
import { importKeyRing, parseSigningKeySet, type KeyRing } from '../../src/tokens/keys';
import { databaseFor } from '../../src/storage/db';
import { unicorns } from '../../src/storage/schema';
import { storesFor } from '../../src/storage/stores';
import type { Client } from '../../src/storage/types';
import { confidentialClientRecord } from '../../test/fixtures/client-record';
import { recordingDatabase, replayStatements } from './d1-recorder';

export const BENCH_CLIENT_ID = 'bench-client';
export const BENCH_SCOPE = 'read write';
const UNICORN_ROWS = 5;

export interface Credentials {
  clientId: string;
  secret: string;
}

export async function generateSigningKeys(): Promise<string> {
  return JSON.stringify(await generateSigningKeySet(['ES256']));
}

export function basicAuthorization({ clientId, secret }: Credentials): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** A confidential client (client_credentials unless overridden) with a fresh secret. */
export function clientRecord(id: string, overrides: Partial<Client> = {}): Promise<{ client: Client; secret: string }> {
  return confidentialClientRecord(id, `Bench ${id}`, { scopes: BENCH_SCOPE.split(' '), ...overrides });
}

/** Inserts clients made by clientRecord, in one script; returns their credentials. */
export async function seedClients(
  db: D1Database,
  ids: readonly string[],
  overrides: Partial<Client> = {},
): Promise<Credentials[]> {
  const recorder = recordingDatabase();
  const store = storesFor(recorder.db).clients;
  const credentials: Credentials[] = [];
  for (const id of ids) {
    const { client, secret } = await clientRecord(id, overrides);
    await store.create(client);
    credentials.push({ clientId: id, secret });
  }
  await replayStatements(db, recorder.statements);
  return credentials;
}

/** A few unicorns owned by the bench client, the rows the sample API read returns. */
export async function seedUnicorns(db: D1Database, ownerSub: string): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  await databaseFor(db)
    .insert(unicorns)
    .values(
      Array.from({ length: UNICORN_ROWS }, (_, index) => ({
        id: `unicorn-${index}`,
        name: `Unicorn ${index}`,
        age: index,
        color: 'silver',
        ownerSub,
        createdAt: now,
      })),
    );
}

export function importSigningKeys(signingKeysJson: string): Promise<KeyRing> {
  return importKeyRing(parseSigningKeySet(signingKeysJson));
}

/** Access tokens as the token endpoint issues them for the bench client, each with its own jti. */
export async function mintAccessTokens(keys: KeyRing, issuer: string, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let index = 0; index < count; index++) {
    const { token } = await issueAccessToken(
      {
        issuer,
        subject: BENCH_CLIENT_ID,
        audience: `${issuer}/api`,
        clientId: BENCH_CLIENT_ID,
        scopes: BENCH_SCOPE.split(' '),
        ttlSeconds: 900,
      },
      keys.primary,
    );
    tokens.push(token);
  }
  return tokens;
}
