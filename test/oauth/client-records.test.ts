// Client records: a new client id never begins with "-", which the admin command line (node:util parseArgs) would
// read as an option ("--client -Xy…" is ambiguous), making such a client unmanageable from the CLI.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClientMetadata } from '../../src/oauth/client-metadata';
import { createClientRecord } from '../../src/oauth/client-records';
import type { ClientStore } from '../../src/storage/types';

const PUBLIC_APP: ClientMetadata = {
  name: 'Native app',
  type: 'public',
  tokenEndpointAuthMethod: 'none',
  redirectUris: ['http://127.0.0.1/callback'],
  grantTypes: ['authorization_code'],
  responseTypes: ['code'],
  allowedOrigins: [],
  scopes: ['openid'],
  metadata: {},
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createClientRecord', () => {
  it('draws again when the random id would begin with "-"', async () => {
    const fill = crypto.getRandomValues.bind(crypto);
    let draws = 0;
    vi.spyOn(crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
      fill(array as unknown as Uint8Array);
      // 0xF8 puts 62 in the first base64url digit: "-".
      if (draws++ === 0 && array instanceof Uint8Array) array[0] = 0xf8;
      return array;
    });
    const clients = { create: async () => {} } as unknown as ClientStore;
    const { client } = await createClientRecord(
      PUBLIC_APP,
      { registrant: null, ownerUserId: null, registrationTokenHash: null },
      clients,
    );
    expect(draws).toBe(2);
    expect(client.id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});
