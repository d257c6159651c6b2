// validateClientMetadata and clientMetadataOf (RFC 7591 §2): defaults, public clients, ignored and null members,
// de-duplication, grant types by policy (password only for first parties, RFC 9700 §2.4); redirectUriProblem's
// rules (RFC 9700 §2.1, RFC 8252 §7 and §8.4).
import { describe, expect, it } from 'vitest';
import { clientMetadataOf, validateClientMetadata, type ClientMetadataPolicy } from '../../src/oauth/client-metadata';
import { OAuthError } from '../../src/oauth/errors';
import { isValidRedirectUri, redirectUriProblem } from '../../src/oauth/redirect-uri';
import type { Client } from '../../src/storage/types';

const POLICY: ClientMetadataPolicy = {
  supportedGrantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
  apiScopes: ['read', 'write'],
  allowsPasswordGrant: true,
  idTokenSigningAlgorithms: ['ES256', 'RS256'],
};
const WEB_APP = { redirect_uris: ['https://app.example.com/callback'] };

function validationError(input: unknown, policy = POLICY): { code: string; description: string } {
  try {
    validateClientMetadata(input, policy);
  } catch (error) {
    if (error instanceof OAuthError) return { code: error.code, description: error.description };
    throw error;
  }
  throw new Error('the metadata was accepted');
}

describe('validateClientMetadata', () => {
  it('applies the RFC 7591 §2 defaults: client_secret_basic, authorization_code, code, every API and OpenID scope', () => {
    expect(validateClientMetadata(WEB_APP, POLICY)).toEqual({
      name: '',
      type: 'confidential',
      tokenEndpointAuthMethod: 'client_secret_basic',
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
      redirectUris: ['https://app.example.com/callback'],
      allowedOrigins: [],
      // OIDC Dynamic Registration has no scope member: without one, the OpenID scopes come with the API scopes.
      scopes: ['read', 'write', 'openid', 'profile', 'email'],
      metadata: {},
    });
  });

  it('defaults offline_access only with refresh_token, and no OpenID scopes for a client acting for no user', () => {
    const withRefresh = { ...WEB_APP, grant_types: ['authorization_code', 'refresh_token'] };
    expect(validateClientMetadata(withRefresh, POLICY).scopes).toEqual([
      'read',
      'write',
      'openid',
      'profile',
      'email',
      'offline_access',
    ]);
    expect(validateClientMetadata({ grant_types: ['client_credentials'] }, POLICY).scopes).toEqual(['read', 'write']);
  });

  it('derives no response type for clients without authorization_code', () => {
    expect(validateClientMetadata({ grant_types: ['client_credentials'] }, POLICY)).toMatchObject({
      grantTypes: ['client_credentials'],
      responseTypes: [],
      redirectUris: [],
    });
  });

  it('makes token_endpoint_auth_method none a public client', () => {
    expect(validateClientMetadata({ ...WEB_APP, token_endpoint_auth_method: 'none' }, POLICY)).toMatchObject({
      type: 'public',
      tokenEndpointAuthMethod: 'none',
    });
  });

  it('ignores members it does not understand and treats null as absent (RFC 7591 §2, RFC 7592 §2.2)', () => {
    const metadata = validateClientMetadata(
      {
        ...WEB_APP,
        jwks_uri: 'https://app.example.com/jwks',
        'client_name#fr': 'Appli',
        software_statement: 'eyJ...',
        logo_uri: null,
        client_name: null,
      },
      POLICY,
    );
    expect(metadata).toMatchObject({ name: '', metadata: {} });
  });

  it('removes repeated grant types, response types, redirect URIs and origins', () => {
    const metadata = validateClientMetadata(
      {
        redirect_uris: ['https://a.example/cb', 'https://a.example/cb'],
        grant_types: ['authorization_code', 'authorization_code'],
        response_types: ['code', 'code'],
        allowed_origins: ['https://a.example', 'https://a.example'],
        scope: 'read read',
      },
      POLICY,
    );
    expect(metadata).toMatchObject({
      redirectUris: ['https://a.example/cb'],
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
      allowedOrigins: ['https://a.example'],
      scopes: ['read'],
    });
  });

  it('accepts only the grant types the policy lists, so a grant registered later becomes registrable', () => {
    expect(validationError({ grant_types: ['password'] })).toEqual({
      code: 'invalid_client_metadata',
      description:
        'grant_types lists grant types this server does not support: password (supported: authorization_code, refresh_token, client_credentials)',
    });
    const withPassword = { ...POLICY, supportedGrantTypes: [...POLICY.supportedGrantTypes, 'password'] };
    expect(validateClientMetadata({ grant_types: ['password', 'refresh_token'] }, withPassword).grantTypes).toEqual([
      'password',
      'refresh_token',
    ]);
  });

  it('refuses the password grant unless the policy trusts the registrant as a first party (RFC 9700 §2.4)', () => {
    const thirdParty = {
      ...POLICY,
      supportedGrantTypes: [...POLICY.supportedGrantTypes, 'password'],
      allowsPasswordGrant: false,
    };
    expect(validationError({ grant_types: ['password'] }, thirdParty)).toEqual({
      code: 'invalid_client_metadata',
      description:
        'grant_types may include password only for first-party clients registered by the operator (admin CLI or initial access token)',
    });
  });

  it('accepts the OpenID scopes besides the API scopes', () => {
    expect(
      validateClientMetadata({ ...WEB_APP, scope: 'openid profile email offline_access write' }, POLICY).scopes,
    ).toEqual(['openid', 'profile', 'email', 'offline_access', 'write']);
  });

  it('names the first bad array entry by its index', () => {
    expect(validationError({ ...WEB_APP, contacts: ['ops@example.com', 7] })).toEqual({
      code: 'invalid_client_metadata',
      description: 'contacts[1] must be a string',
    });
  });
});

describe('clientMetadataOf', () => {
  it('answers the registered metadata with snake_case members and omits an empty client_name', () => {
    const client: Client = {
      id: 'native-app',
      name: '',
      type: 'public',
      secretHash: null,
      tokenEndpointAuthMethod: 'none',
      redirectUris: ['com.example.app:/cb'],
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
      scopes: ['openid', 'read'],
      allowedOrigins: [],
      metadata: { software_id: 'app' },
      registrationTokenHash: null,
      registrant: null,
      ownerUserId: null,
      createdAt: 0,
      updatedAt: 0,
    };
    expect(clientMetadataOf(client)).toEqual({
      redirect_uris: ['com.example.app:/cb'],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      scope: 'openid read',
      allowed_origins: [],
      software_id: 'app',
    });
  });
});

describe('redirectUriProblem (RFC 9700 §2.1, RFC 8252 §7)', () => {
  const confidential = { allowPrivateUseScheme: false };
  const native = { allowPrivateUseScheme: true };

  it.each([
    'https://app.example.com/callback',
    'https://app.example.com/callback?tenant=7',
    'http://localhost:3000/callback',
    'http://127.0.0.1/callback',
    'http://[::1]:8080/callback',
  ])('accepts %s for any client', (uri) => {
    expect(redirectUriProblem(uri, confidential)).toBeUndefined();
    expect(isValidRedirectUri(uri, native)).toBe(true);
  });

  it('accepts a private-use scheme in reverse domain form only for native (public) clients', () => {
    expect(redirectUriProblem('com.example.app:/oauth2redirect', native)).toBeUndefined();
    expect(redirectUriProblem('com.example.app:/oauth2redirect', confidential)).toBe(
      'may use a private-use scheme only for public (native) clients',
    );
  });

  it.each([
    ['/callback', 'must be an absolute URI'],
    ['https://app.example.com/cb#section', 'must not contain a fragment'],
    ['https://app.example.com/cb#', 'must not contain a fragment'],
    ['https://*.example.com/cb', 'must not contain wildcards; redirect URIs are compared exactly'],
    ['http://app.example.com/cb', 'must use https (http is allowed only for localhost, 127.0.0.1 and [::1])'],
    ['http://localhost.evil.example/cb', 'must use https (http is allowed only for localhost, 127.0.0.1 and [::1])'],
    [
      'javascript:alert(1)',
      'must use https, loopback http, or a private-use scheme in reverse domain name form (com.example.app:/callback)',
    ],
    [
      'myapp:/cb',
      'must use https, loopback http, or a private-use scheme in reverse domain name form (com.example.app:/callback)',
    ],
  ])('refuses %s', (uri, problem) => {
    expect(redirectUriProblem(uri, native)).toBe(problem);
  });
});
