// UPSTREAM_PROVIDERS (oauth/upstream/providers.ts): the providers users may sign in through, each client secret read
// from the Worker secret it names; every refusal names the field, and loadConfig reports it with the others.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { parseUpstreamProviders } from '../../src/oauth/upstream/providers';

const ACME = {
  name: 'Acme',
  issuer: 'https://idp.acme.example',
  client_id: 'portcullis',
  client_secret_binding: 'UPSTREAM_ACME_SECRET',
};
const secrets: Record<string, string> = { UPSTREAM_ACME_SECRET: ' s3cret ', OTHER_SECRET: 'other' };
const parse = (value: unknown) => parseUpstreamProviders(JSON.stringify(value), (name) => secrets[name]);

describe('UPSTREAM_PROVIDERS', () => {
  it('defaults to no providers', () => {
    expect(loadConfig(env).upstreamProviders).toEqual([]);
    expect(parseUpstreamProviders('  ', () => undefined)).toEqual([]);
  });

  it('reads each provider with its secret, openid as the default scope and client_secret_basic', () => {
    expect(parse({ acme: ACME })).toEqual([
      {
        id: 'acme',
        name: 'Acme',
        issuer: 'https://idp.acme.example',
        clientId: 'portcullis',
        clientSecret: 's3cret',
        tokenEndpointAuthMethod: 'client_secret_basic',
        scopes: ['openid'],
      },
    ]);
    expect(
      parse({
        acme: { ...ACME, scopes: ['openid', 'email', 'openid'], token_endpoint_auth_method: 'client_secret_post' },
      })[0],
    ).toMatchObject({ scopes: ['openid', 'email'], tokenEndpointAuthMethod: 'client_secret_post' });
  });

  it('allows plain http for a loopback issuer only (local development)', () => {
    expect(parse({ local: { ...ACME, issuer: 'http://127.0.0.1:9999' } })[0]!.issuer).toBe('http://127.0.0.1:9999');
  });

  it.each([
    ['not json', /UPSTREAM_PROVIDERS is not valid JSON/],
    ['[]', /UPSTREAM_PROVIDERS must be a JSON object/],
    [JSON.stringify({ 'Not An Id': ACME }), /provider ids are 1-32 of a-z, 0-9 and -/],
    [JSON.stringify({ acme: { ...ACME, issuer: 'http://idp.acme.example' } }), /acme\.issuer: issuer must use https/],
    [JSON.stringify({ acme: { ...ACME, issuer: 'https://idp.acme.example/?x=1' } }), /without query or fragment/],
    [JSON.stringify({ acme: { ...ACME, name: ' ' } }), /acme\.name: name must not be empty/],
    [JSON.stringify({ acme: { ...ACME, scopes: ['email'] } }), /acme\.scopes: scopes must include openid/],
    [JSON.stringify({ acme: { ...ACME, client_secret_binding: 'lower' } }), /client_secret_binding must name/],
    [JSON.stringify({ acme: { ...ACME, client_secret_binding: 'MISSING' } }), /the secret MISSING is not set/],
    [JSON.stringify({ acme: { ...ACME, client_secret: 'inline' } }), /acme/],
    [
      JSON.stringify({ acme: ACME, again: { ...ACME, client_secret_binding: 'OTHER_SECRET' } }),
      /two providers have the issuer/,
    ],
  ])('refuses %s', (value, message) => {
    expect(() => parseUpstreamProviders(value, (name) => secrets[name])).toThrow(message);
  });

  it('is reported by loadConfig with the other problems', () => {
    expect(() => loadConfig({ ...env, UPSTREAM_PROVIDERS: JSON.stringify({ acme: ACME }) })).toThrow(ConfigError);
    expect(() =>
      loadConfig({
        ...env,
        UPSTREAM_PROVIDERS: JSON.stringify({ acme: ACME }),
        UPSTREAM_ACME_SECRET: 'x',
      } as typeof env),
    ).not.toThrow();
  });
});
