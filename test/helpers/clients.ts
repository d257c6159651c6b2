// Test fixtures for clients: inserted straight into D1 with a known secret, overridable field by field.
import { env } from 'cloudflare:test';
import { storesFor } from '../../src/storage/stores';
import type { Client } from '../../src/storage/types';
import { generateOpaqueToken, hashOpaqueToken } from '../../src/tokens/opaque';

export interface TestClient {
  client: Client;
  secret: string;
}

export async function createTestClient(overrides: Partial<Client> = {}): Promise<TestClient> {
  const secret = generateOpaqueToken();
  const now = Math.floor(Date.now() / 1000);
  const client: Client = {
    id: `client-${generateOpaqueToken(9)}`,
    name: 'Test client',
    type: 'confidential',
    secretHash: await hashOpaqueToken(secret),
    tokenEndpointAuthMethod: 'client_secret_basic',
    redirectUris: [],
    grantTypes: ['client_credentials'],
    responseTypes: [],
    allowedOrigins: [],
    scopes: ['read', 'write'],
    metadata: {},
    registrationTokenHash: null,
    registrant: null,
    ownerUserId: null,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
  await storesFor(env.DB).clients.create(client);
  return { client, secret };
}
