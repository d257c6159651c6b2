// RFC 9728 protected resource metadata of the sample API: the path-suffixed document for the resource <issuer>/api
// (§3.1) and the root form, their content (§2, §3.2), and the challenges that point to them (§5.1).
import { describe, expect, it } from 'vitest';
import { TEST_AUDIENCE, TEST_ISSUER } from '../helpers/constants';
import { send } from '../helpers/http';

const METADATA_URL = `${TEST_ISSUER}/.well-known/oauth-protected-resource/api`;
const DOCUMENT = {
  resource: TEST_AUDIENCE,
  authorization_servers: [TEST_ISSUER],
  bearer_methods_supported: ['header'],
  scopes_supported: ['read', 'write'],
  resource_name: 'Portcullis sample API (unicorns)',
  dpop_signing_alg_values_supported: ['ES256', 'EdDSA', 'Ed25519', 'RS256', 'PS256'],
  dpop_bound_access_tokens_required: false,
};

describe('protected resource metadata (RFC 9728)', () => {
  it.each(['/.well-known/oauth-protected-resource/api', '/.well-known/oauth-protected-resource'])(
    'serves the sample API document at %s, public and cacheable (§3.2)',
    async (path) => {
      const response = await send(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
      // §3.3: `resource` is the identifier the path-suffixed URL was built from, the audience of the API's tokens.
      expect(await response.json()).toEqual(DOCUMENT);
      const etag = response.headers.get('etag')!;
      expect((await send(path, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    },
  );

  it('answers 404 for a resource path it does not host', async () => {
    const response = await send('/.well-known/oauth-protected-resource/other');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: 'not_found',
      error_description: 'no protected resource is published at this path',
    });
  });

  it('names the document in the 401 challenge, where a client finds the authorization server (§5.1)', async () => {
    const response = await send('/api/unicorns');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer realm="${TEST_AUDIENCE}", resource_metadata="${METADATA_URL}", ` +
        `DPoP realm="${TEST_AUDIENCE}", resource_metadata="${METADATA_URL}", algs="ES256 EdDSA Ed25519 RS256 PS256"`,
    );
    const metadata = await (await send(new URL(METADATA_URL).pathname)).json<{ authorization_servers: string[] }>();
    const server = await send(
      `${new URL(metadata.authorization_servers[0]!).pathname.replace(/\/$/, '')}/.well-known/oauth-authorization-server`,
    );
    expect(await server.json()).toMatchObject({ issuer: TEST_ISSUER });
  });
});
