// The WebAuthn relying party follows the issuer (WebAuthn Level 3 §5.1.3 rp.id, §13.4.9 origin validation): its
// host is the RP ID, its origin the one origin accepted; an IP-address issuer has none (browsers refuse an IP RP ID).
import { describe, expect, it } from 'vitest';
import { relyingPartyFor } from '../../src/accounts/webauthn-relying-party';
import { createTestApp } from '../helpers/app';
import { TestBrowser } from '../helpers/browser';

describe('relyingPartyFor', () => {
  it('takes the RP ID from the issuer’s host and the origin from its origin, a path left out', () => {
    expect(relyingPartyFor('https://auth.example.com/tenant', 'Portcullis')).toEqual({
      id: 'auth.example.com',
      origin: 'https://auth.example.com',
      name: 'Portcullis',
    });
    expect(relyingPartyFor('http://localhost:8787', 'Portcullis')).toMatchObject({
      id: 'localhost',
      origin: 'http://localhost:8787',
    });
  });

  it('has none for an issuer reached by an IP address', () => {
    expect(relyingPartyFor('http://127.0.0.1:8787', 'Portcullis')).toBeNull();
    expect(relyingPartyFor('http://[::1]:8787', 'Portcullis')).toBeNull();
  });
});

describe('passkeys on an issuer at 127.0.0.1 (npm start’s default)', () => {
  it('says on the login page why passkeys are unavailable, and refuses their options with a 400', async () => {
    const testApp = createTestApp({ ISSUER: 'http://127.0.0.1:8787' });
    const browser = new TestBrowser({ send: (path, init) => testApp.request(path, init) });
    expect((await browser.get('/login')).status).toBe(200);
    expect(browser.html).toContain('Passkeys need the issuer to have a domain name');
    expect(browser.html).not.toContain('data-passkey=');
    const options = await browser.submit('/login/passkey/options', {});
    expect(options.status).toBe(400);
    expect(await options.json()).toEqual({
      error: 'invalid_request',
      error_description: 'Passkeys are not available at this address.',
    });
  });
});
