// redirectUriMatches: exact string comparison (RFC 9700 §4.1.3), except that the port of a loopback IP literal may
// vary for native apps (RFC 8252 §7.3), and never for localhost (§8.3).
import { describe, expect, it } from 'vitest';
import { redirectUriMatches } from '../../src/oauth/redirect-uri';

describe('redirectUriMatches', () => {
  it('matches a registered URI exactly (RFC 9700 §4.1.3)', () => {
    expect(redirectUriMatches(['https://app.example/cb'], 'https://app.example/cb')).toBe(true);
    expect(redirectUriMatches(['https://app.example/cb'], 'https://app.example/cb/')).toBe(false);
    expect(redirectUriMatches(['https://app.example/cb'], 'https://app.example:8443/cb')).toBe(false);
  });

  it('lets the port of a loopback IP literal vary for native apps (RFC 8252 §7.3)', () => {
    expect(redirectUriMatches(['http://127.0.0.1/cb'], 'http://127.0.0.1:51004/cb')).toBe(true);
    expect(redirectUriMatches(['http://127.0.0.1:8000/cb'], 'http://127.0.0.1:51004/cb')).toBe(true);
    expect(redirectUriMatches(['http://[::1]/cb'], 'http://[::1]:60123/cb')).toBe(true);
  });

  it('keeps everything but the port exact for loopback URIs', () => {
    expect(redirectUriMatches(['http://127.0.0.1/cb'], 'http://127.0.0.1:51004/other')).toBe(false);
    expect(redirectUriMatches(['http://127.0.0.1/cb'], 'http://127.0.0.1:51004/cb?x=1')).toBe(false);
    expect(redirectUriMatches(['http://127.0.0.1/cb'], 'http://127.0.0.2:51004/cb')).toBe(false);
    expect(redirectUriMatches(['http://127.0.0.1/cb'], 'https://127.0.0.1:51004/cb')).toBe(false);
  });

  it('gives localhost, which is not an IP literal, no port leniency (RFC 8252 §8.3)', () => {
    expect(redirectUriMatches(['http://localhost/cb'], 'http://localhost:51004/cb')).toBe(false);
  });
});
