// authenticateClient (RFC 6749 §2.3.1) over the isolate's client cache: a secret rotated through another isolate
// works at once, because a mismatch against a cached record is checked once more against D1.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { parseFormBody } from '../../src/http/form';
import { authenticateClient } from '../../src/oauth/client-auth';
import { cacheClients } from '../../src/storage/cached-clients';
import { createClientStore } from '../../src/storage/clients';
import { databaseFor } from '../../src/storage/db';
import { generateOpaqueToken, hashOpaqueToken } from '../../src/tokens/opaque';
import { createTestClient } from '../helpers/clients';
import { storesFor } from '../../src/storage/stores';
import { clientAuthContextFor } from '../fixtures/client-auth-context';
import { basicAuthorization } from '../helpers/http';

/** A context over a fresh client cache, as a new isolate would have it. */
function contextWith(clients: ReturnType<typeof cacheClients>) {
  return clientAuthContextFor({ ...storesFor(env.DB), clients });
}

describe('authenticateClient with a cached client record', () => {
  it('accepts a secret rotated elsewhere while this isolate still caches the old record', async () => {
    const { client, secret } = await createTestClient();
    const clients = cacheClients(createClientStore(databaseFor(env.DB)));
    const basic = (presentedSecret: string) => ({
      authorization: basicAuthorization(client.id, presentedSecret),
      params: parseFormBody(''),
    });
    await expect(authenticateClient(basic(secret), contextWith(clients))).resolves.toMatchObject({ id: client.id });

    // Another isolate rotates the secret: this one's cache still holds the old hash.
    const rotated = generateOpaqueToken();
    await env.DB.prepare('UPDATE clients SET secret_hash = ? WHERE id = ?')
      .bind(await hashOpaqueToken(rotated), client.id)
      .run();

    await expect(authenticateClient(basic(rotated), contextWith(clients))).resolves.toMatchObject({ id: client.id });
    // The fresh record is now cached, so the old secret is refused here from now on.
    await expect(authenticateClient(basic(secret), contextWith(clients))).rejects.toMatchObject({
      code: 'invalid_client',
    });
  });

  it('still refuses a wrong secret after looking again', async () => {
    const { client } = await createTestClient();
    const clients = cacheClients(createClientStore(databaseFor(env.DB)));
    await expect(
      authenticateClient(
        {
          authorization: undefined,
          params: parseFormBody(new URLSearchParams({ client_id: client.id, client_secret: 'wrong' }).toString()),
        },
        contextWith(clients),
      ),
    ).rejects.toMatchObject({
      code: 'invalid_client',
      status: 401,
    });
  });
});
