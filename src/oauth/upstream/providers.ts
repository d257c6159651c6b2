// Upstream OpenID Connect providers users may sign in through (the UPSTREAM_PROVIDERS var), validated with valibot:
// each provider's issuer (OIDC Discovery §4 is asked for the rest), client id, the name of the Worker secret holding
// its client secret, scopes and the name on the login button.
import * as v from 'valibot';
import { isLoopbackHost } from '../../config';

export interface UpstreamProvider {
  /** The provider's key in UPSTREAM_PROVIDERS: lower-case letters, digits and `-`, used in this issuer's URLs. */
  id: string;
  /** Shown on the login page ("Continue with <name>") and the security page. */
  name: string;
  /** The upstream's issuer identifier, exactly as its discovery document and ID Tokens state it. */
  issuer: string;
  clientId: string;
  /** From the Worker secret named by `client_secret_binding`. */
  clientSecret: string;
  /** RFC 6749 §2.3.1: `client_secret_basic` (the default) or `client_secret_post`. */
  tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post';
  /** Requested at the upstream; always includes `openid`. */
  scopes: readonly string[];
}

const PROVIDER_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;
const SECRET_BINDING = /^[A-Z][A-Z0-9_]{0,63}$/;
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

const IssuerUrl = v.pipe(
  v.string(),
  v.check(
    (value) => URL.canParse(value) && !value.includes('#') && !value.includes('?'),
    'issuer must be an absolute URL without query or fragment',
  ),
  v.check((value) => {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
  }, 'issuer must use https (http is allowed only for localhost)'),
);

const ProviderShape = v.strictObject({
  name: v.pipe(v.string(), v.trim(), v.minLength(1, 'name must not be empty'), v.maxLength(64)),
  issuer: IssuerUrl,
  client_id: v.pipe(v.string(), v.minLength(1, 'client_id must not be empty'), v.maxLength(255)),
  client_secret_binding: v.pipe(
    v.string(),
    v.regex(SECRET_BINDING, 'client_secret_binding must name a Worker secret (A-Z, 0-9, _)'),
  ),
  token_endpoint_auth_method: v.optional(
    v.picklist(['client_secret_basic', 'client_secret_post']),
    'client_secret_basic',
  ),
  scopes: v.optional(
    v.pipe(
      v.array(v.pipe(v.string(), v.regex(SCOPE_TOKEN, 'each scope must be one RFC 6749 §3.3 scope token'))),
      v.check((scopes) => scopes.includes('openid'), 'scopes must include openid'),
    ),
    ['openid'],
  ),
});

const ProvidersShape = v.record(
  v.pipe(v.string(), v.regex(PROVIDER_ID, 'provider ids are 1-32 of a-z, 0-9 and -')),
  ProviderShape,
);

/**
 * Parses UPSTREAM_PROVIDERS: a JSON object from provider id to `{ "name", "issuer", "client_id",
 * "client_secret_binding", "token_endpoint_auth_method"?, "scopes"? }`; `readSecret` reads the named Worker secret.
 * Throws one Error naming the first problem. Unset means no upstream providers.
 */
export function parseUpstreamProviders(
  value: string | undefined,
  readSecret: (binding: string) => unknown,
): readonly UpstreamProvider[] {
  if (value === undefined || value.trim() === '') return Object.freeze([]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error('UPSTREAM_PROVIDERS is not valid JSON');
  }
  if (Array.isArray(parsed))
    throw new Error('UPSTREAM_PROVIDERS must be a JSON object from provider id to its settings');
  const result = v.safeParse(ProvidersShape, parsed, { abortEarly: true });
  if (!result.success) {
    const issue = result.issues[0];
    const path = v.getDotPath(issue);
    throw new Error(`UPSTREAM_PROVIDERS${path ? `.${path}` : ''}: ${issue.message}`);
  }
  const issuers = new Set<string>();
  return Object.freeze(
    Object.entries(result.output).map(([id, entry]) => {
      // One provider per issuer: a linked identity is (issuer, sub), so two entries for one issuer would share users.
      if (issuers.has(entry.issuer))
        throw new Error(`UPSTREAM_PROVIDERS: two providers have the issuer ${entry.issuer}`);
      issuers.add(entry.issuer);
      const secret = readSecret(entry.client_secret_binding);
      if (typeof secret !== 'string' || secret.trim() === '') {
        throw new Error(`UPSTREAM_PROVIDERS.${id}: the secret ${entry.client_secret_binding} is not set`);
      }
      return Object.freeze({
        id,
        name: entry.name,
        issuer: entry.issuer,
        clientId: entry.client_id,
        clientSecret: secret.trim(),
        tokenEndpointAuthMethod: entry.token_endpoint_auth_method,
        scopes: Object.freeze([...new Set(entry.scopes)]),
      });
    }),
  );
}
