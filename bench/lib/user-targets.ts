// What a person's browser and a relying party do besides the token endpoint: signing in on the login page (the
// password check, the throttle and the new session) and reading the userinfo endpoint with an access token.
import { GRANT_ID_CLAIM } from '../../src/oauth/issue-tokens';
import { issueAccessToken } from '../../src/tokens/access-token';
import type { Environment } from './environment';
import { BENCH_PASSWORD, BENCH_USER_ID, LOGIN_USERNAMES } from './seed-grants';
import { cycling, FORM, type RequestShape, type Target } from './targets';

export function userTargets(env: Environment): Target[] {
  const { portcullis } = env;
  return [
    {
      id: 'login.portcullis',
      what: 'POST /login: password (PBKDF2), throttle, new session',
      server: portcullis,
      anchor: 'ceiling.d1-read',
      distant: true,
      async requests(): Promise<RequestShape> {
        const { cookie, csrfToken } = await loginForm(portcullis.url);
        const body = (username: string) =>
          new URLSearchParams({
            username,
            password: BENCH_PASSWORD,
            csrf_token: csrfToken,
            return_to: '/account',
          }).toString();
        return {
          url: `${portcullis.url}/login`,
          method: 'POST',
          // A same-origin form post, as the browser sends it (the CSRF check wants the Origin).
          headers: { 'Content-Type': FORM, Cookie: cookie, Origin: portcullis.url },
          requests: [cycling(LOGIN_USERNAMES, (username) => ({ body: body(username) }))],
          successStatus: 303,
        };
      },
    },
    {
      id: 'userinfo.portcullis',
      what: 'GET /oauth/userinfo, token reused (openid profile)',
      server: portcullis,
      anchor: 'ceiling.d1-read',
      distant: true,
      async requests(): Promise<RequestShape> {
        const { token } = await issueAccessToken(
          {
            issuer: env.issuer,
            subject: BENCH_USER_ID,
            audience: `${env.issuer}/api`,
            clientId: env.grants.client.clientId,
            scopes: ['openid', 'profile'],
            ttlSeconds: 900,
            // As a user's token carries it: userinfo checks that the grant was not revoked.
            claims: { [GRANT_ID_CLAIM]: 'bench-grant' },
          },
          env.keys.primary,
        );
        return {
          url: `${portcullis.url}/oauth/userinfo`,
          method: 'GET',
          headers: { Authorization: `Bearer ${token}` },
        };
      },
    },
  ];
}

/** The login page's CSRF cookie and the token its form carries, as a browser gets them. */
async function loginForm(baseUrl: string): Promise<{ cookie: string; csrfToken: string }> {
  const response = await fetch(`${baseUrl}/login`);
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0]!)
    .join('; ');
  const csrfToken = /name="csrf_token" value="([^"]+)"/.exec(await response.text())?.[1];
  if (response.status !== 200 || !csrfToken) throw new Error(`the login page gave no form: ${response.status}`);
  return { cookie, csrfToken };
}
