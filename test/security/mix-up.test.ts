// Mix-up attacks (RFC 9700 §4.4, RFC 9207): every authorization response, success or error, names this issuer in
// `iss`, and discovery says so, so a client talking to several servers can tell which one answered.
import { describe, expect, it } from 'vitest';
import { createPublicCodeClient } from '../helpers/authorization';
import { codeRequest, redirectParams, signedInBrowser, submitConsent } from '../helpers/authorize';
import { TEST_ISSUER } from '../helpers/constants';
import { send } from '../helpers/http';

describe('mix-up defence (RFC 9700 §4.4.2, RFC 9207 §2)', () => {
  it('puts iss in a successful authorization response', async () => {
    const { client } = await createPublicCodeClient();
    const { browser } = await signedInBrowser();
    expect((await browser.get((await codeRequest(client)).path)).status).toBe(200);
    const params = redirectParams(await submitConsent(browser, 'allow'));
    expect(params.iss).toBe(TEST_ISSUER);
    expect(params.code).toEqual(expect.any(String));
  });

  it('puts iss in an error response redirected to the client', async () => {
    const { client } = await createPublicCodeClient();
    const response = await send((await codeRequest(client, { scope: 'not-a-scope' })).path, { redirect: 'manual' });
    expect(redirectParams(response)).toMatchObject({ error: 'invalid_scope', iss: TEST_ISSUER });
  });

  it('puts iss in the response to a denied consent', async () => {
    const { client } = await createPublicCodeClient();
    const { browser } = await signedInBrowser();
    await browser.get((await codeRequest(client)).path);
    expect(redirectParams(await submitConsent(browser, 'deny'))).toMatchObject({
      error: 'access_denied',
      iss: TEST_ISSUER,
    });
  });

  it('advertises authorization_response_iss_parameter_supported and an issuer equal to its own URL', async () => {
    const metadata = await (await send('/.well-known/oauth-authorization-server')).json<Record<string, unknown>>();
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
    expect(metadata.issuer).toBe(TEST_ISSUER);
  });
});
