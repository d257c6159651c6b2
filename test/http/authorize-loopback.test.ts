// /oauth/authorize with a native app's loopback redirect URI (RFC 8252 §7.3): any port is accepted on a registered
// loopback IP URI, while a different path gets the error page, never a redirect.
import { describe, expect, it } from 'vitest';
import { createPublicCodeClient } from '../helpers/authorization';
import { codeRequest } from '../helpers/authorize';
import { send } from '../helpers/http';

describe('GET /oauth/authorize with a native app loopback redirect URI', () => {
  it('accepts any port on a registered loopback IP redirect URI (RFC 8252 §7.3), and no other change', async () => {
    const { client } = await createPublicCodeClient({ redirectUris: ['http://127.0.0.1/callback'] });
    const ephemeralPort = await send(
      (await codeRequest(client, { redirect_uri: 'http://127.0.0.1:49152/callback' })).path,
      { redirect: 'manual' },
    );
    expect(ephemeralPort.status).toBe(302);
    expect(new URL(ephemeralPort.headers.get('location')!, 'https://issuer.test').pathname).toBe('/login');

    const otherPath = await send(
      (await codeRequest(client, { redirect_uri: 'http://127.0.0.1:49152/elsewhere' })).path,
      { redirect: 'manual' },
    );
    expect(otherPath.status).toBe(400);
    expect(otherPath.headers.get('location')).toBeNull();
  });
});
