// matchRedirectUri: exact string comparison (RFC 9700 §4.1.3), except that the port of a loopback IP literal may
// vary for native apps (RFC 8252 §7.3), and never for localhost (§8.3); the answer is the registered string.
import { describe, expect, it } from 'vitest';
import { matchRedirectUri } from '../../src/oauth/redirect-uri';

describe('matchRedirectUri', () => {
  it('matches a registered URI exactly (RFC 9700 §4.1.3)', () => {
    expect(matchRedirectUri(['https://app.example/cb'], 'https://app.example/cb')).toBe('https://app.example/cb');
    expect(matchRedirectUri(['https://app.example/cb'], 'https://app.example/cb/')).toBeUndefined();
    expect(matchRedirectUri(['https://app.example/cb'], 'https://app.example:8443/cb')).toBeUndefined();
    expect(matchRedirectUri(['https://app.example/cb'], 'https://APP.example/cb')).toBeUndefined();
  });

  it('lets the port of a loopback IP literal vary for native apps (RFC 8252 §7.3)', () => {
    expect(matchRedirectUri(['http://127.0.0.1/cb'], 'http://127.0.0.1:51004/cb')).toBe('http://127.0.0.1:51004/cb');
    expect(matchRedirectUri(['http://127.0.0.1:8000/cb'], 'http://127.0.0.1:51004/cb')).toBe(
      'http://127.0.0.1:51004/cb',
    );
    expect(matchRedirectUri(['http://127.0.0.1:8000/cb'], 'http://127.0.0.1/cb')).toBe('http://127.0.0.1/cb');
    expect(matchRedirectUri(['http://[::1]/cb'], 'http://[::1]:60123/cb')).toBe('http://[::1]:60123/cb');
  });

  it('keeps everything but the port exact for loopback URIs', () => {
    expect(matchRedirectUri(['http://127.0.0.1/cb'], 'http://127.0.0.1:51004/other')).toBeUndefined();
    expect(matchRedirectUri(['http://127.0.0.1/cb'], 'http://127.0.0.1:51004/cb?x=1')).toBeUndefined();
    expect(matchRedirectUri(['http://127.0.0.1/cb'], 'http://127.0.0.2:51004/cb')).toBeUndefined();
    expect(matchRedirectUri(['http://127.0.0.1/cb'], 'https://127.0.0.1:51004/cb')).toBeUndefined();
    expect(matchRedirectUri(['http://127.0.0.1/cb'], 'http://127.0.0.1:51004/cb\n')).toBeUndefined();
    expect(matchRedirectUri(['http://127.0.0.1/cb'], 'http://127.0.0.1:51004/./cb')).toBeUndefined();
    expect(matchRedirectUri(['http://127.0.0.1/cb'], 'http://127.0.0.1:0/cb')).toBeUndefined();
  });

  it('gives localhost, which is not an IP literal, no port leniency (RFC 8252 §8.3)', () => {
    expect(matchRedirectUri(['http://localhost/cb'], 'http://localhost:51004/cb')).toBeUndefined();
  });

  it('matches nothing for a URI with control characters, even one stored that way', () => {
    expect(matchRedirectUri(['https://app.example/cb\r\n'], 'https://app.example/cb\r\n')).toBeUndefined();
  });
});
