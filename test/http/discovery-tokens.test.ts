// Discovery's token-side members (RFC 8414 §2, OIDC Discovery §3): userinfo, revocation and introspection endpoints
// with their auth methods, PKCE S256 only, ID Token algorithms (RS256 included), and the claims and scopes supported.
import { describe, expect, it } from 'vitest';
import { TEST_ISSUER } from '../helpers/constants';
import { send } from '../helpers/http';

/** The test pool sets CLIENT_SECRET_ENCRYPTION_KEY, so client_secret_jwt is on. */
const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt'];

describe('discovery: token-side members (RFC 8414 §2, OIDC Discovery §3)', () => {
  it('advertises userinfo, revocation and introspection, PKCE S256, ID Token algorithms and claims', async () => {
    const metadata = await (await send('/.well-known/openid-configuration')).json<Record<string, unknown>>();
    expect(metadata).toMatchObject({
      userinfo_endpoint: `${TEST_ISSUER}/oauth/userinfo`,
      revocation_endpoint: `${TEST_ISSUER}/oauth/revoke`,
      introspection_endpoint: `${TEST_ISSUER}/oauth/introspect`,
      token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS, 'none'],
      revocation_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS, 'none'],
      introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      code_challenge_methods_supported: ['S256'],
      subject_types_supported: ['public'],
      // OIDC Discovery §3: RS256 must be listed.
      id_token_signing_alg_values_supported: ['ES256', 'RS256'],
      claims_supported: [
        'sub',
        'iss',
        'aud',
        'exp',
        'iat',
        'auth_time',
        'nonce',
        'acr',
        'amr',
        'at_hash',
        'azp',
        'name',
        'given_name',
        'family_name',
        'nickname',
        'preferred_username',
        'picture',
        'website',
        'zoneinfo',
        'locale',
        'updated_at',
        'email',
        'email_verified',
      ],
      claims_parameter_supported: true,
      acr_values_supported: [
        'phr',
        'urn:portcullis:acr:mfa',
        'urn:portcullis:acr:upstream',
        'urn:portcullis:acr:password',
      ],
      userinfo_signing_alg_values_supported: ['ES256', 'RS256'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access', 'read', 'write'],
    });
    expect(metadata.grant_types_supported).toEqual(
      expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']),
    );
  });
});
