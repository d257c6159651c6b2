// loadConfig (STYLE §4): the documented defaults in a frozen Config, the token registration policy requiring
// REGISTRATION_TOKEN, every bad field in one ConfigError, the issuer (https, no query, trailing slash trimmed), and
// SIGNING_KEYS refused when not JSON, empty, public-only, symmetric or with a mismatched alg.
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { ConfigError, loadConfig } from '../../src/config';
import type { Bindings } from '../../src/env';
import { generateSigningJwk } from '../../src/tokens/generate-key';

const base: Bindings = { DB: env.DB, SIGNING_KEYS: env.SIGNING_KEYS, REGISTRATION_POLICY: 'open' };

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({
      issuer: undefined,
      accessTokenTtlSeconds: 900,
      registrationPolicy: 'open',
      resources: [],
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('defaults the registration policy to token, which needs REGISTRATION_TOKEN', () => {
    expect(() => loadConfig({ ...base, REGISTRATION_POLICY: undefined })).toThrow(/REGISTRATION_TOKEN/);
    expect(loadConfig({ ...base, REGISTRATION_POLICY: undefined, REGISTRATION_TOKEN: 't' }).registrationPolicy).toBe(
      'token',
    );
  });

  it('lists every bad field in one error', () => {
    const attempt = () =>
      loadConfig({
        DB: env.DB,
        ISSUER: 'http://example.com',
        ACCESS_TOKEN_TTL_SECONDS: '-5',
        REGISTRATION_POLICY: 'maybe',
        SIGNING_KEYS: undefined,
      });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(
      /ISSUER must use https[\s\S]*ACCESS_TOKEN_TTL_SECONDS[\s\S]*REGISTRATION_POLICY[\s\S]*SIGNING_KEYS is not set/,
    );
  });

  it('reads TOTP_ENCRYPTION_KEY: off when unset, 32 bytes base64url, and not the client-secret key', () => {
    const key = 'A'.repeat(43);
    expect(loadConfig(base).totpEncryptionKey).toBeUndefined();
    expect(loadConfig({ ...base, TOTP_ENCRYPTION_KEY: ` ${key} ` }).totpEncryptionKey).toBe(key);
    expect(() => loadConfig({ ...base, TOTP_ENCRYPTION_KEY: 'short' })).toThrow(
      /TOTP_ENCRYPTION_KEY must be 32 random bytes, base64url-encoded/,
    );
    expect(() => loadConfig({ ...base, TOTP_ENCRYPTION_KEY: key, CLIENT_SECRET_ENCRYPTION_KEY: key })).toThrow(
      /TOTP_ENCRYPTION_KEY must differ from CLIENT_SECRET_ENCRYPTION_KEY/,
    );
  });

  it('trims a trailing slash from the issuer and refuses a query', () => {
    expect(loadConfig({ ...base, ISSUER: 'https://auth.example.com/' }).issuer).toBe('https://auth.example.com');
    expect(() => loadConfig({ ...base, ISSUER: 'https://auth.example.com/?x=1' })).toThrow(/no query/);
  });

  it.each([
    ['not JSON', 'nope', /not valid JSON/],
    ['no keys', '{"keys":[]}', /at least one key/],
    ['a public key only', null, /no private part/],
    ['an HMAC key', '{"keys":[{"kty":"oct","k":"c2VjcmV0","d":"x"}]}', /not an ES256/],
    ['a mismatched alg', null, /does not match/],
  ])('refuses a signing key set with %s', async (_, value, message) => {
    let keys = value;
    if (keys === null) {
      const jwk = await generateSigningJwk('ES256');
      keys = message.source.includes('private')
        ? JSON.stringify({ keys: [{ ...jwk, d: undefined }] })
        : JSON.stringify({ keys: [{ ...jwk, alg: 'RS256' }] });
    }
    expect(() => loadConfig({ ...base, SIGNING_KEYS: keys })).toThrow(message);
  });
});
