// loadConfig's lifetimes for codes (RFC 6749 §4.1.2) and refresh tokens (§6): defaults of 60 s, 14 days idle and
// 90 days absolute, shorter overrides, and one error for a code TTL over 60 s and an absolute shorter than idle;
// the refresh token reuse interval (issue 15 §3): 0 by default, 0 to 60 accepted.
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { loadConfig } from '../../src/config';
import type { Bindings } from '../../src/env';

const base: Bindings = { DB: env.DB, SIGNING_KEYS: env.SIGNING_KEYS, REGISTRATION_POLICY: 'open' };

describe('loadConfig: code and refresh token lifetimes', () => {
  it('defaults to 60 s codes, 14-day idle and 90-day absolute refresh lifetimes', () => {
    expect(loadConfig(base)).toMatchObject({
      authorizationCodeTtlSeconds: 60,
      refreshTokenIdleTtlSeconds: 14 * 24 * 3600,
      refreshTokenAbsoluteTtlSeconds: 90 * 24 * 3600,
      refreshTokenReuseIntervalSeconds: 0,
    });
  });

  it('reads a refresh token reuse interval from 0 to 60 s and refuses anything else', () => {
    for (const seconds of [0, 30, 60]) {
      const config = loadConfig({ ...base, REFRESH_TOKEN_REUSE_INTERVAL_SECONDS: String(seconds) });
      expect(config.refreshTokenReuseIntervalSeconds).toBe(seconds);
    }
    for (const value of ['61', '-1', '2.5', 'soon']) {
      expect(() => loadConfig({ ...base, REFRESH_TOKEN_REUSE_INTERVAL_SECONDS: value })).toThrow(
        `REFRESH_TOKEN_REUSE_INTERVAL_SECONDS must be an integer from 0 to 60, got "${value}"`,
      );
    }
  });

  it('reads shorter lifetimes', () => {
    const config = loadConfig({
      ...base,
      AUTHORIZATION_CODE_TTL_SECONDS: '30',
      REFRESH_TOKEN_IDLE_TTL_SECONDS: '3600',
      REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS: '86400',
    });
    expect(config).toMatchObject({
      authorizationCodeTtlSeconds: 30,
      refreshTokenIdleTtlSeconds: 3600,
      refreshTokenAbsoluteTtlSeconds: 86400,
    });
  });

  it('refuses a code lifetime over 60 s and an absolute lifetime shorter than the idle one, in one error', () => {
    expect(() =>
      loadConfig({
        ...base,
        AUTHORIZATION_CODE_TTL_SECONDS: '600',
        REFRESH_TOKEN_IDLE_TTL_SECONDS: '7200',
        REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS: '3600',
      }),
    ).toThrow(
      /AUTHORIZATION_CODE_TTL_SECONDS must be at most 60, got 600[\s\S]*REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS must not be shorter/,
    );
  });
});
