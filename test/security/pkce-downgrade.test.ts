// PKCE downgrade (RFC 9700 §4.8, §2.1.1): the token endpoint refuses a code_verifier for a code issued without a
// challenge, the authorization endpoint refuses `plain` and a method without a challenge, and public clients must use
// PKCE at all.
import { describe, expect, it } from 'vitest';
import {
  codeForNewUser,
  createCodeClient,
  createPublicCodeClient,
  exchangeCode,
  expectInvalidGrant,
  pkcePair,
  postAsClient,
  REDIRECT_URI,
  type TestCode,
} from '../helpers/authorization';
import type { TestClient } from '../helpers/clients';
import { codeRequest, redirectParams } from '../helpers/authorize';
import { send } from '../helpers/http';

/** A code exchange without any code_verifier parameter. */
function exchangeWithoutVerifier(client: TestClient, code: TestCode): Promise<Response> {
  return postAsClient(client, '/oauth/token', {
    grant_type: 'authorization_code',
    code: code.code,
    redirect_uri: REDIRECT_URI,
  });
}

async function authorizeRedirect(overrides: Record<string, string | undefined>): Promise<Record<string, string>> {
  const { client } = await createPublicCodeClient();
  const response = await send((await codeRequest(client, overrides)).path, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return redirectParams(response);
}

describe('PKCE downgrade (RFC 9700 §4.8)', () => {
  it('refuses a code_verifier for a code whose request had no code_challenge (the challenge was stripped)', async () => {
    const client = await createCodeClient();
    const code = await codeForNewUser(client, { codeChallenge: null });
    await expectInvalidGrant(
      await exchangeCode(client, { code: code.code, verifier: (await pkcePair()).verifier }),
      'code_verifier was sent but the authorization request had no code_challenge',
    );
  });

  it('refuses a code whose request had a challenge when the verifier is left out', async () => {
    const client = await createCodeClient();
    const code = await codeForNewUser(client);
    await expectInvalidGrant(
      await exchangeWithoutVerifier(client, code),
      'code_verifier is required: the authorization request had a code_challenge',
    );
  });

  it('refuses code_challenge_method=plain at the authorization endpoint (RFC 9700 §2.1.1: S256)', async () => {
    const params = await authorizeRedirect({ code_challenge_method: 'plain' });
    expect(params.error).toBe('invalid_request');
  });

  it('refuses a code_challenge_method without a code_challenge', async () => {
    const params = await authorizeRedirect({ code_challenge: undefined });
    expect(params.error).toBe('invalid_request');
  });

  it('refuses a public client’s request without PKCE (RFC 9700 §2.1.1)', async () => {
    const params = await authorizeRedirect({ code_challenge: undefined, code_challenge_method: undefined });
    expect(params.error).toBe('invalid_request');
  });

  it('refuses a public client’s code issued without PKCE at the token endpoint (the backstop)', async () => {
    const client = await createPublicCodeClient();
    const code = await codeForNewUser(client, { codeChallenge: null });
    await expectInvalidGrant(await exchangeWithoutVerifier(client, code), 'a public client must use PKCE');
  });
});
