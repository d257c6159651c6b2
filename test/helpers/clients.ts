// Test fixtures for clients: inserted straight into D1 with a known secret, overridable field by field.
import { env } from 'cloudflare:test';
import { storesFor } from '../../src/storage/stores';
import type { Client } from '../../src/storage/types';
import { generateOpaqueToken } from '../../src/tokens/opaque';
import { confidentialClientRecord } from '../fixtures/client-record';

export interface TestClient {
  client: Client;
  secret: string;
}

export async function createTestClient(overrides: Partial<Client> = {}): Promise<TestClient> {
  const { client, secret } = await confidentialClientRecord(
    `client-${generateOpaqueToken(9)}`,
    'Test client',
    overrides,
  );
  await storesFor(env.DB).clients.create(client);
  return { client, secret };
}
