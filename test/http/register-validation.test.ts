// Dynamic registration's metadata checks (RFC 7591 §2, §3.2.2): each bad redirect URI gets invalid_redirect_uri and
// each other bad member invalid_client_metadata, with its exact description; unknown members are ignored.
import { describe, expect, it } from 'vitest';
import { SUPPORTED_GRANT_TYPES } from '../../src/oauth/grants';
import { register } from '../helpers/registration';

const WEB = { redirect_uris: ['https://app.example.com/callback'] };
const MACHINE = { grant_types: ['client_credentials'] };
const HTTPS_ONLY = 'must use https (http is allowed only for localhost, 127.0.0.1 and [::1])';

// RFC 7591 §3.2.2: a bad redirect URI is invalid_redirect_uri, any other bad member invalid_client_metadata; both 400.
const REDIRECT_URI_ERRORS: Array<[string, Record<string, unknown>, string]> = [
  [
    'a missing redirect URI for authorization_code (RFC 7591 §2)',
    { grant_types: ['authorization_code'] },
    'redirect_uris must list at least one URI for the authorization_code grant',
  ],
  [
    'redirect_uris that is not an array',
    { redirect_uris: 'https://app.example.com/callback' },
    'redirect_uris must be an array',
  ],
  ['a redirect URI that is not a string', { redirect_uris: [42] }, 'redirect_uris[0] must be a string'],
  [
    'more than 20 redirect URIs',
    { redirect_uris: Array.from({ length: 21 }, (_, i) => `https://app.example.com/${i}`) },
    'redirect_uris must have at most 20 entries',
  ],
  ['a relative redirect URI', { redirect_uris: ['/callback'] }, 'redirect_uris[0] must be an absolute URI'],
  [
    'a fragment (RFC 6749 §3.1.2)',
    { redirect_uris: ['https://app.example.com/a', 'https://app.example.com/cb#x'] },
    'redirect_uris[1] must not contain a fragment',
  ],
  [
    'a wildcard (RFC 9700 §4.1.3)',
    { redirect_uris: ['https://*.example.com/callback'] },
    'redirect_uris[0] must not contain wildcards; redirect URIs are compared exactly',
  ],
  [
    'plain http to a remote host (RFC 9700 §2.1)',
    { redirect_uris: ['http://app.example.com/callback'] },
    `redirect_uris[0] ${HTTPS_ONLY}`,
  ],
  [
    'a dangerous scheme',
    { redirect_uris: ['javascript:alert(document.cookie)'] },
    'redirect_uris[0] must use https, loopback http, or a private-use scheme in reverse domain name form (com.example.app:/callback)',
  ],
  // The WHATWG parser drops tabs and line breaks, so such a URI parses, and would reach a Location header.
  ...(
    [
      ['a trailing LF', 'https://app.example.com/callback\n'],
      ['a CR LF', 'https://app.example.com/call\r\nback'],
      ['a tab', 'https://app.example.com/call\tback'],
      ['a space', 'https://app.example.com/call back'],
      ['a NUL', 'https://app.example.com/callback\u0000'],
      ['a no-break space', 'https://app.example.com/callback\u00a0'],
    ] as const
  ).map(([what, uri]): [string, Record<string, unknown>, string] => [
    `a redirect URI with ${what}`,
    { redirect_uris: [uri] },
    'redirect_uris[0] must not contain whitespace or control characters',
  ]),
  [
    'a private-use scheme for a confidential client (RFC 8252 §8.4)',
    { redirect_uris: ['com.example.app:/callback'] },
    'redirect_uris[0] may use a private-use scheme only for public (native) clients',
  ],
];

const METADATA_ERRORS: Array<[string, Record<string, unknown>, string]> = [
  ['a client_name that is not a string', { ...MACHINE, client_name: 42 }, 'client_name must be a string'],
  ['an empty client_name', { ...MACHINE, client_name: '' }, 'client_name must not be empty'],
  [
    'a client_name over 200 characters',
    { ...MACHINE, client_name: 'x'.repeat(201) },
    'client_name must be at most 200 characters',
  ],
  [
    'tls_client_auth, which this server does not support',
    { ...MACHINE, token_endpoint_auth_method: 'tls_client_auth' },
    'token_endpoint_auth_method tls_client_auth is not supported; use client_secret_basic, client_secret_post, client_secret_jwt, private_key_jwt, none',
  ],
  ['grant_types that is not an array', { grant_types: 'client_credentials' }, 'grant_types must be an array'],
  ['empty grant_types', { grant_types: [] }, 'grant_types must list at least one grant type'],
  [
    'a grant type the token endpoint does not implement',
    { grant_types: ['client_credentials', 'implicit'] },
    `grant_types lists grant types this server does not support: implicit (supported: ${SUPPORTED_GRANT_TYPES.join(', ')})`,
  ],
  [
    'a grant type with quotes and non-ASCII, echoed escaped (RFC 6749 §5.2)',
    { grant_types: ['client_credentials', 'x"\\ü'] },
    `grant_types lists grant types this server does not support: x%22%5C%C3%BC (supported: ${SUPPORTED_GRANT_TYPES.join(', ')})`,
  ],
  [
    'an unsupported token_endpoint_auth_method with a quote, echoed escaped',
    { ...MACHINE, token_endpoint_auth_method: 'a"b' },
    'token_endpoint_auth_method a%22b is not supported; use client_secret_basic, client_secret_post, client_secret_jwt, private_key_jwt, none',
  ],
  [
    'client_credentials for a public client (RFC 6749 §4.4)',
    { token_endpoint_auth_method: 'none', grant_types: ['client_credentials'] },
    'grant_types may include client_credentials only for confidential clients (token_endpoint_auth_method none is a public client)',
  ],
  [
    'the implicit response type (OAuth 2.1)',
    { ...WEB, response_types: ['code', 'token'] },
    'response_types lists response types this server does not support: token (supported: code)',
  ],
  [
    'code without authorization_code (RFC 7591 §2.1)',
    { ...MACHINE, response_types: ['code'] },
    'response_types may include code only when grant_types includes authorization_code',
  ],
  [
    'authorization_code without code (RFC 7591 §2.1)',
    { ...WEB, response_types: [] },
    'response_types must include code when grant_types includes authorization_code',
  ],
  ['a scope that is not a string', { ...MACHINE, scope: ['read'] }, 'scope must be a string'],
  ['an empty scope', { ...MACHINE, scope: '' }, 'scope must be a space-separated list of scope tokens'],
  [
    'a scope with a forbidden character (RFC 6749 §3.3)',
    { ...MACHINE, scope: 'read "write"' },
    'scope must be a space-separated list of scope tokens',
  ],
  [
    'a scope this server does not offer',
    { ...MACHINE, scope: 'read admin' },
    'scope lists scopes this server does not offer: admin (offered: read write openid profile email offline_access)',
  ],
  [
    'an origin with a path',
    { ...MACHINE, allowed_origins: ['https://app.example.com/app'] },
    'allowed_origins[0] must be an exact origin (scheme://host[:port], no path or trailing slash): https://app.example.com',
  ],
  [
    'an origin with a trailing slash',
    { ...MACHINE, allowed_origins: ['https://app.example.com/'] },
    'allowed_origins[0] must be an exact origin (scheme://host[:port], no path or trailing slash): https://app.example.com',
  ],
  [
    'a wildcard origin',
    { ...MACHINE, allowed_origins: ['https://*.example.com'] },
    'allowed_origins[0] must not contain wildcards; list each origin',
  ],
  [
    'the origin *',
    { ...MACHINE, allowed_origins: ['*'] },
    'allowed_origins[0] must not contain wildcards; list each origin',
  ],
  [
    'a plain http origin on a remote host',
    { ...MACHINE, allowed_origins: ['https://a.example.com', 'http://app.example.com'] },
    `allowed_origins[1] ${HTTPS_ONLY}`,
  ],
  [
    'an origin that is not a URL',
    { ...MACHINE, allowed_origins: ['app.example.com'] },
    'allowed_origins[0] must be an origin such as https://app.example.com',
  ],
  [
    'allowed_origins that is not an array',
    { ...MACHINE, allowed_origins: 'https://app.example.com' },
    'allowed_origins must be an array',
  ],
  [
    'a client_uri over plain http',
    { ...MACHINE, client_uri: 'http://app.example.com' },
    'client_uri must be an absolute https URL',
  ],
  ['a relative logo_uri', { ...MACHINE, logo_uri: '/logo.png' }, 'logo_uri must be an absolute https URL'],
  ['a tos_uri that is not a string', { ...MACHINE, tos_uri: true }, 'tos_uri must be a string'],
  ['a data: policy_uri', { ...MACHINE, policy_uri: 'data:text/html,hi' }, 'policy_uri must be an absolute https URL'],
  ['contacts that is not an array', { ...MACHINE, contacts: 'ops@example.com' }, 'contacts must be an array'],
  ['an empty contact', { ...MACHINE, contacts: [''] }, 'contacts[0] must not be empty'],
  [
    'a post-logout redirect URI with a fragment',
    { ...MACHINE, post_logout_redirect_uris: ['https://app.example.com/bye#x'] },
    'post_logout_redirect_uris[0] must not contain a fragment',
  ],
  [
    'a post-logout redirect URI with a line break',
    { ...MACHINE, post_logout_redirect_uris: ['https://app.example.com/bye\r\n'] },
    'post_logout_redirect_uris[0] must not contain whitespace or control characters',
  ],
  [
    'a client_uri with a line break',
    { ...MACHINE, client_uri: 'https://app.example.com/\n' },
    'client_uri must not contain whitespace or control characters',
  ],
  [
    'an id_token_signed_response_alg the key set does not have (OIDC Registration §2)',
    { ...WEB, id_token_signed_response_alg: 'HS256' },
    'id_token_signed_response_alg must be one of id_token_signing_alg_values_supported: ES256, RS256',
  ],
  [
    'the id_token_signed_response_alg none',
    { ...WEB, id_token_signed_response_alg: 'none' },
    'id_token_signed_response_alg must be one of id_token_signing_alg_values_supported: ES256, RS256',
  ],
  ['a software_id that is not a string', { ...MACHINE, software_id: 7 }, 'software_id must be a string'],
  ['an empty software_version', { ...MACHINE, software_version: '' }, 'software_version must not be empty'],
];

describe('POST /oauth/register metadata validation (RFC 7591 §2, §3.2.2)', () => {
  it.each(REDIRECT_URI_ERRORS)('refuses %s with 400 invalid_redirect_uri', async (_, metadata, description) => {
    const { response, body } = await register(metadata);
    expect(response.status).toBe(400);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(body).toEqual({ error: 'invalid_redirect_uri', error_description: description });
  });

  it.each(METADATA_ERRORS)('refuses %s with 400 invalid_client_metadata', async (_, metadata, description) => {
    const { response, body } = await register(metadata);
    expect(response.status).toBe(400);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(body).toEqual({ error: 'invalid_client_metadata', error_description: description });
  });

  it('ignores members it does not understand instead of refusing them (RFC 7591 §2)', async () => {
    const { response, body } = await register({
      ...MACHINE,
      frontchannel_logout_uri: 'https://app.example.com/logout',
      tls_client_certificate_bound_access_tokens: true,
    });
    expect(response.status).toBe(201);
    expect(body).not.toHaveProperty('frontchannel_logout_uri');
    expect(body).not.toHaveProperty('tls_client_certificate_bound_access_tokens');
  });
});
