// POST /oauth/revoke (RFC 7009): a refresh token is revoked with its whole family whatever the hint (§2.1); unknown,
// already revoked and access tokens answer 200 (§2.2; access tokens are stateless and stay valid); another client's
// tokens are refused; client authentication and the token parameter are required.
import { describe, expect, it } from 'vitest';
import {
  createCodeClient,
  createPublicCodeClient,
  expectOAuthError,
  postAsClient,
  refreshWith,
  signIn,
  type TokenSet,
} from '../helpers/authorization';
import { createTestClient } from '../helpers/clients';
import { postForm, send } from '../helpers/http';
import { createTestUser } from '../helpers/users';

const REVOKED = 'the refresh token has been revoked';

async function expectRevokeOk(response: Response) {
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(await response.text()).toBe('');
}

describe('POST /oauth/revoke (RFC 7009)', () => {
  it('revokes a refresh token, which then no longer refreshes', async () => {
    const testClient = await createCodeClient();
    const { refresh_token } = await signIn(testClient, (await createTestUser()).user);
    await expectRevokeOk(
      await postAsClient(testClient, '/oauth/revoke', { token: refresh_token!, token_type_hint: 'refresh_token' }),
    );
    await expectOAuthError(await refreshWith(testClient, refresh_token!), 400, 'invalid_grant', REVOKED);
  });

  it('revokes the whole family: revoking a rotated token kills its successor (§2.1)', async () => {
    const testClient = await createCodeClient();
    const first = await signIn(testClient, (await createTestUser()).user);
    const second = await (await refreshWith(testClient, first.refresh_token!)).json<TokenSet>();
    await expectRevokeOk(await postAsClient(testClient, '/oauth/revoke', { token: first.refresh_token! }));
    await expectOAuthError(await refreshWith(testClient, second.refresh_token!), 400, 'invalid_grant', REVOKED);
  });

  it('finds a refresh token whatever token_type_hint says (§2.1)', async () => {
    const testClient = await createCodeClient();
    const { refresh_token } = await signIn(testClient, (await createTestUser()).user);
    await expectRevokeOk(
      await postAsClient(testClient, '/oauth/revoke', { token: refresh_token!, token_type_hint: 'access_token' }),
    );
    await expectOAuthError(await refreshWith(testClient, refresh_token!), 400, 'invalid_grant', REVOKED);
  });

  it('lets a public client revoke its refresh token with its client_id (§5)', async () => {
    const testClient = await createPublicCodeClient();
    const { refresh_token } = await signIn(testClient, (await createTestUser()).user);
    await expectRevokeOk(await postAsClient(testClient, '/oauth/revoke', { token: refresh_token! }));
    await expectOAuthError(await refreshWith(testClient, refresh_token!), 400, 'invalid_grant', REVOKED);
  });

  it('answers 200 for an unknown token, an already revoked one, and an invalid JWT (§2.2)', async () => {
    const testClient = await createCodeClient();
    const { refresh_token } = await signIn(testClient, (await createTestUser()).user);
    await expectRevokeOk(await postAsClient(testClient, '/oauth/revoke', { token: 'never-issued' }));
    await expectRevokeOk(await postAsClient(testClient, '/oauth/revoke', { token: refresh_token! }));
    await expectRevokeOk(await postAsClient(testClient, '/oauth/revoke', { token: refresh_token! }));
    await expectRevokeOk(await postAsClient(testClient, '/oauth/revoke', { token: 'eyJhbGciOiJub25lIn0.e30.' }));
  });

  it('answers 200 for its own access token, which stays valid until it expires (stateless, docs/tokens.md)', async () => {
    const testClient = await createCodeClient();
    const { access_token } = await signIn(testClient, (await createTestUser()).user);
    await expectRevokeOk(
      await postAsClient(testClient, '/oauth/revoke', { token: access_token, token_type_hint: 'access_token' }),
    );
    const userinfo = await send('/oauth/userinfo', { headers: { Authorization: `Bearer ${access_token}` } });
    expect(userinfo.status).toBe(200);
  });

  it('refuses to revoke a refresh token of another client, which stays valid (§2.1)', async () => {
    const owner = await createCodeClient();
    const other = await createCodeClient();
    const { refresh_token } = await signIn(owner, (await createTestUser()).user);
    await expectOAuthError(
      await postAsClient(other, '/oauth/revoke', { token: refresh_token! }),
      400,
      'invalid_grant',
      'the token was issued to another client',
    );
    expect((await refreshWith(owner, refresh_token!)).status).toBe(200);
  });

  it('refuses to revoke an access token of another client (§2.1)', async () => {
    const owner = await createCodeClient();
    const other = await createCodeClient();
    const { access_token } = await signIn(owner, (await createTestUser()).user);
    await expectOAuthError(
      await postAsClient(other, '/oauth/revoke', { token: access_token }),
      400,
      'invalid_grant',
      'the token was issued to another client',
    );
  });

  it('requires client authentication (§2.1)', async () => {
    await expectOAuthError(
      await postForm('/oauth/revoke', { token: 'anything' }),
      401,
      'invalid_client',
      'client authentication is required',
    );
  });

  it('requires the token parameter', async () => {
    const testClient = await createTestClient();
    await expectOAuthError(
      await postAsClient(testClient, '/oauth/revoke', {}),
      400,
      'invalid_request',
      'token is required',
    );
  });
});
