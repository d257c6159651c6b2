// A test-controlled upstream OpenID provider on a loopback port (Node http + jose), for the federation tests that
// need an upstream to misbehave in one exact way: discovery, a JWKS, an authorization endpoint that redirects straight
// back with a code, and a token endpoint that returns an ID Token signed with jose. The test picks the account and
// the one fault per attempt by adding `sub`, `fault` and claims to the authorization URL Portcullis built.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { FAKE_UPSTREAM_CLIENT_ID, FAKE_UPSTREAM_CLIENT_SECRET } from '../helpers/upstream-clients';

/** Each breaks one check Portcullis must make. */
export type FakeUpstreamFault =
  | 'none'
  | 'signature'
  | 'aud'
  | 'aud-without-azp'
  | 'iss'
  | 'nonce'
  | 'expired'
  | 'state'
  | 'iss-parameter'
  | 'access-denied';

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce: string;
  fault: FakeUpstreamFault;
  claims: Record<string, string>;
}

const KID = 'fake-upstream-key';

export async function startFakeUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const signing = await generateKeyPair('ES256');
  // Same kid, other key: a token signed with it names a published key but fails its signature.
  const impostor = await generateKeyPair('ES256');
  const publicJwk: JWK = { ...(await exportJWK(signing.publicKey)), kid: KID, alg: 'ES256', use: 'sig' };
  const codes = new Map<string, IssuedCode>();
  let issuer = '';

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', issuer);
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(response, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['ES256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
        authorization_response_iss_parameter_supported: true,
      });
    }
    if (url.pathname === '/jwks') return json(response, 200, { keys: [publicJwk] });
    if (url.pathname === '/authorize') return authorize(url, response);
    if (url.pathname === '/token' && request.method === 'POST') return token(request, response);
    return json(response, 404, { error: 'not_found' });
  }

  function authorize(url: URL, response: ServerResponse): void {
    const query = url.searchParams;
    const fault = (query.get('fault') ?? 'none') as FakeUpstreamFault;
    const redirect = new URL(query.get('redirect_uri') ?? '');
    redirect.searchParams.set('state', fault === 'state' ? 'a-state-from-another-browser' : (query.get('state') ?? ''));
    redirect.searchParams.set('iss', fault === 'iss-parameter' ? 'https://mix-up.example' : issuer);
    if (fault === 'access-denied') {
      redirect.searchParams.set('error', 'access_denied');
    } else {
      const code = randomBytes(16).toString('base64url');
      const claims: Record<string, string> = { sub: query.get('sub') ?? 'upstream-user' };
      for (const name of ['preferred_username', 'email']) {
        const value = query.get(name);
        if (value !== null) claims[name] = value;
      }
      codes.set(code, {
        clientId: query.get('client_id') ?? '',
        redirectUri: query.get('redirect_uri') ?? '',
        codeChallenge: query.get('code_challenge') ?? '',
        nonce: query.get('nonce') ?? '',
        fault,
        claims,
      });
      redirect.searchParams.set('code', code);
    }
    response.writeHead(302, { Location: redirect.toString() }).end();
  }

  async function token(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(request));
    if (!authenticates(request.headers.authorization)) return json(response, 401, { error: 'invalid_client' });
    const code = form.get('code') ?? '';
    const issued = codes.get(code);
    codes.delete(code);
    const verifier = form.get('code_verifier') ?? '';
    if (
      !issued ||
      form.get('grant_type') !== 'authorization_code' ||
      form.get('redirect_uri') !== issued.redirectUri ||
      createHash('sha256').update(verifier).digest('base64url') !== issued.codeChallenge
    ) {
      return json(response, 400, { error: 'invalid_grant' });
    }
    const idToken = await signIdToken(issued, issued.fault === 'signature' ? impostor.privateKey : signing.privateKey);
    json(response, 200, {
      access_token: randomBytes(16).toString('base64url'),
      token_type: 'Bearer',
      id_token: idToken,
    });
  }

  async function signIdToken(issued: IssuedCode, key: CryptoKey): Promise<string> {
    const { fault } = issued;
    const now = Math.floor(Date.now() / 1000);
    const audience =
      fault === 'aud'
        ? 'another-client'
        : fault === 'aud-without-azp'
          ? [issued.clientId, 'another-client']
          : issued.clientId;
    return new SignJWT({
      ...issued.claims,
      nonce: fault === 'nonce' ? 'a-nonce-of-another-request' : issued.nonce,
      amr: ['pwd', 'mfa'],
    })
      .setProtectedHeader({ alg: 'ES256', kid: KID, typ: 'JWT' })
      .setIssuer(fault === 'iss' ? 'https://another-issuer.example' : issuer)
      .setAudience(audience)
      .setIssuedAt(fault === 'expired' ? now - 3600 : now)
      .setExpirationTime(fault === 'expired' ? now - 1800 : now + 300)
      .sign(key);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url: issuer,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// RFC 6749 §2.3.1: the id and secret are form-urlencoded before they are joined and base64-encoded.
function authenticates(authorization: string | undefined): boolean {
  if (!authorization?.startsWith('Basic ')) return false;
  const [id = '', secret = ''] = Buffer.from(authorization.slice(6), 'base64').toString().split(':');
  const decode = (value: string) => decodeURIComponent(value.replaceAll('+', ' '));
  return decode(id) === FAKE_UPSTREAM_CLIENT_ID && decode(secret) === FAKE_UPSTREAM_CLIENT_SECRET;
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}
