// Token substitution (OIDC Core §16.11, RFC 9700 §4.6, RFC 9068 §4): a genuine token of one kind, or of another
// client, presented where another is due is refused: an ID Token as an access token, an access token as an ID Token
// hint, a refresh token as a code and the reverse, and one client's tokens at another client's endpoints.
import { describe, expect, it } from 'vitest';
import {
  createCodeClient,
  exchangeCode,
  expectOAuthError,
  issueTestCode,
  postAsClient,
  refreshWith,
  signIn,
} from '../helpers/authorization';
import { withQuery } from '../helpers/authorize';
import { send } from '../helpers/http';
import { createTestUser } from '../helpers/users';

async function tokensOf() {
  const client = await createCodeClient();
  const { user } = await createTestUser();
  return { client, user, tokens: await signIn(client, user) };
}

describe('token substitution (OIDC Core §16.11, RFC 9700 §4.6)', () => {
  it('refuses an ID Token presented as an access token at userinfo (typ JWT, not at+jwt)', async () => {
    const { tokens } = await tokensOf();
    const response = await send('/oauth/userinfo', { headers: { Authorization: `Bearer ${tokens.id_token}` } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('calls an ID Token inactive at introspection', async () => {
    const { client, tokens } = await tokensOf();
    const response = await postAsClient(client, '/oauth/introspect', { token: tokens.id_token! });
    expect(await response.json()).toEqual({ active: false });
  });

  it('refuses an access token presented as id_token_hint', async () => {
    const { tokens } = await tokensOf();
    const response = await send(withQuery('/oauth/logout', { id_token_hint: tokens.access_token }), {
      redirect: 'manual',
    });
    expect(response.status).toBe(400);
  });

  it('refuses a refresh token presented as an authorization code, and a code as a refresh token', async () => {
    const { client, user, tokens } = await tokensOf();
    await expectOAuthError(
      await exchangeCode(client, { code: tokens.refresh_token!, verifier: 'x'.repeat(43) }),
      400,
      'invalid_grant',
      'the authorization code is invalid',
    );
    const code = await issueTestCode(client.client, user);
    await expectOAuthError(await refreshWith(client, code.code), 400, 'invalid_grant', 'the refresh token is invalid');
    expect((await exchangeCode(client, code)).status).toBe(200);
  });

  it('refuses an access token presented as a refresh token', async () => {
    const { client, tokens } = await tokensOf();
    await expectOAuthError(
      await refreshWith(client, tokens.access_token),
      400,
      'invalid_grant',
      'the refresh token is invalid',
    );
  });

  it('keeps one client from revoking or introspecting another client’s refresh token (RFC 7009 §2.1, RFC 7662 §4)', async () => {
    const { client: owner, tokens } = await tokensOf();
    const other = await createCodeClient();
    expect((await postAsClient(other, '/oauth/revoke', { token: tokens.refresh_token! })).status).toBe(400);
    expect(await (await postAsClient(other, '/oauth/introspect', { token: tokens.refresh_token! })).json()).toEqual({
      active: false,
    });
    expect((await refreshWith(owner, tokens.refresh_token!)).status).toBe(200);
  });
});
