// Operator-defined API scopes (the SCOPES var): each scope's consent-page description, the resources (RFC 8707) it
// applies to, and whether public clients may have it. The OpenID scopes (registrable-scopes.ts) are not configurable.
import { parseScope } from './scope';

export interface ScopeDefinition {
  name: string;
  /** What the scope lets a client do, in the user's terms; shown on the consent page. */
  description: string;
  /** The resource identifiers the scope applies to; undefined means every resource this issuer serves. */
  resources: readonly string[] | undefined;
  /** Whether a public client (`token_endpoint_auth_method` `none`) may register and request it. */
  publicClients: boolean;
}

/** The sample API's scopes: the configuration used when SCOPES is not set. */
export const DEFAULT_SCOPE_DEFINITIONS: readonly ScopeDefinition[] = Object.freeze([
  { name: 'read', description: 'Read your data', resources: undefined, publicClients: true },
  { name: 'write', description: 'Create, change and delete your data', resources: undefined, publicClients: true },
]);

const RESERVED_SCOPES = ['openid', 'profile', 'email', 'offline_access'];
const MAX_DESCRIPTION_CHARS = 200;

/**
 * Parses SCOPES: a JSON object from scope name to `{ "description": string, "resources"?: [absolute URL, ...],
 * "public_clients"?: boolean (default true) }`. Throws one Error naming the first bad entry.
 */
export function parseScopeDefinitions(value: string | undefined): readonly ScopeDefinition[] {
  if (value === undefined || value.trim() === '') return DEFAULT_SCOPE_DEFINITIONS;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error('SCOPES is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('SCOPES must be a JSON object from scope name to its definition');
  }
  const definitions = Object.entries(parsed).map(([name, entry]) => readDefinition(name, entry));
  if (definitions.length === 0) throw new Error('SCOPES must define at least one scope');
  return Object.freeze(definitions);
}

function readDefinition(name: string, entry: unknown): ScopeDefinition {
  let tokens: string[] | undefined;
  try {
    tokens = parseScope(name);
  } catch {
    tokens = undefined;
  }
  if (tokens?.length !== 1) throw new Error(`SCOPES: "${name}" is not a single scope token (RFC 6749 §3.3)`);
  if (RESERVED_SCOPES.includes(name)) throw new Error(`SCOPES: "${name}" is an OpenID Connect scope, not configurable`);
  if (typeof entry !== 'object' || entry === null) throw new Error(`SCOPES: "${name}" must be an object`);
  const { description, resources, public_clients: publicClients } = entry as Record<string, unknown>;
  if (typeof description !== 'string' || description.trim() === '' || description.length > MAX_DESCRIPTION_CHARS) {
    throw new Error(`SCOPES: "${name}".description must be a non-empty string of at most ${MAX_DESCRIPTION_CHARS}`);
  }
  if (resources !== undefined && !isUrlList(resources)) {
    throw new Error(`SCOPES: "${name}".resources must be a non-empty array of absolute URLs without a fragment`);
  }
  if (publicClients !== undefined && typeof publicClients !== 'boolean') {
    throw new Error(`SCOPES: "${name}".public_clients must be true or false`);
  }
  return Object.freeze({
    name,
    description,
    resources: resources === undefined ? undefined : Object.freeze([...resources]),
    publicClients: publicClients ?? true,
  });
}

function isUrlList(value: unknown): value is string[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((item) => typeof item === 'string' && URL.canParse(item) && !item.includes('#'))
  );
}

/** The API scopes a client of this type may register and request. */
export function scopesOfferedTo(
  definitions: readonly ScopeDefinition[],
  clientType: 'public' | 'confidential',
): string[] {
  return definitions.filter((scope) => clientType === 'confidential' || scope.publicClients).map(({ name }) => name);
}

/** The API scopes that apply to a resource: its RFC 9728 `scopes_supported`. */
export function scopesForResource(definitions: readonly ScopeDefinition[], resource: string): string[] {
  return definitions
    .filter((scope) => scope.resources === undefined || scope.resources.includes(resource))
    .map(({ name }) => name);
}

/** The requested API scopes that apply to none of the token's audiences (RFC 8707 §2: scope is per resource). */
export function scopesOutsideAudience(
  definitions: readonly ScopeDefinition[],
  scopes: readonly string[],
  audience: string | readonly string[],
): string[] {
  const audiences = typeof audience === 'string' ? [audience] : audience;
  return scopes.filter((name) => {
    const resources = definitions.find((scope) => scope.name === name)?.resources;
    return resources !== undefined && !audiences.some((resource) => resources.includes(resource));
  });
}

/** Each scope's description by name, for the consent page. */
export function scopeDescriptions(definitions: readonly ScopeDefinition[]): Readonly<Record<string, string>> {
  return Object.freeze(Object.fromEntries(definitions.map(({ name, description }) => [name, description])));
}
