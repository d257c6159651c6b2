// Resource indicators (RFC 8707): the `resource` parameters choose the access token's audience.
import { OAuthError } from './errors';
import type { Config } from '../config';

/**
 * Resolves the audience from the requested resources. Each must be an absolute URI without a fragment
 * (RFC 8707 §2) and one this issuer knows; without any, the default audience applies.
 */
export function resolveAudience(requested: string[], known: readonly string[], fallback: string): string | string[] {
  if (requested.length === 0) return fallback;
  for (const resource of requested) {
    if (!URL.canParse(resource) || new URL(resource).hash !== '' || resource.includes('#')) {
      throw new OAuthError('invalid_target', 'resource must be an absolute URI without a fragment');
    }
    if (!known.includes(resource)) {
      throw new OAuthError('invalid_target', `unknown resource: ${resource}`);
    }
  }
  const unique = [...new Set(requested)];
  return unique.length === 1 ? unique[0]! : unique;
}

/** The default audience: DEFAULT_AUDIENCE, or the sample API at `<issuer>/api`. */
export function defaultAudienceFor(config: Config, issuer: string): string {
  return config.defaultAudience ?? `${issuer}/api`;
}

/** The resources this issuer serves tokens for: the default audience and RESOURCES. */
export function knownResources(config: Config, issuer: string): string[] {
  return [defaultAudienceFor(config, issuer), ...config.resources];
}

export function audienceFor(requested: string[], config: Config, issuer: string): string | string[] {
  return resolveAudience(requested, knownResources(config, issuer), defaultAudienceFor(config, issuer));
}

/**
 * The audience at the token endpoint of a grant authorized for `authorized` resources: the `resource` parameters
 * sent now must be among them (RFC 8707 §2.2), and without any, the token is for all the authorized ones.
 */
export function audienceWithinGrant(
  requested: string[],
  authorized: readonly string[],
  config: Config,
  issuer: string,
): string | string[] {
  const outside = requested.filter((resource) => !authorized.includes(resource));
  if (outside.length > 0) {
    throw new OAuthError('invalid_target', `the grant does not cover the resource: ${outside.join(' ')}`);
  }
  return audienceFor(requested.length > 0 ? requested : [...authorized], config, issuer);
}
