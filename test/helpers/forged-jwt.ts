// Forged and tampered JWTs for the JWT attack tests: tokens signed with the issuer's own keys (read from the test
// binding SIGNING_KEYS) with any header or claim changed, and the classic forgeries an attacker can make without them.
import { env } from 'cloudflare:test';
import {
  base64url,
  calculateJwkThumbprint,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  SignJWT,
  type CryptoKey,
  type JWK,
} from 'jose';
import { publicJwkOf } from '../../src/tokens/keys';
import { TEST_AUDIENCE, TEST_ISSUER } from './constants';

type Header = Record<string, unknown>;
type Claims = Record<string, unknown>;

interface IssuerKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  kid: string;
  alg: 'ES256' | 'RS256';
}

async function issuerKey(alg: IssuerKey['alg']): Promise<IssuerKey> {
  const jwk = (JSON.parse(env.SIGNING_KEYS ?? '{"keys":[]}') as { keys: JWK[] }).keys.find((key) => key.alg === alg);
  if (!jwk) throw new Error(`the test SIGNING_KEYS have no ${alg} key`);
  const publicJwk = publicJwkOf(jwk);
  return {
    privateKey: (await importJWK(jwk, alg)) as CryptoKey,
    publicKey: (await importJWK(publicJwk, alg, { extractable: true })) as CryptoKey,
    kid: await calculateJwkThumbprint(publicJwk, 'sha256'),
    alg,
  };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A key pair of the attacker's own, published nowhere, with its public JWK and thumbprint kid. */
async function attackerKey(): Promise<{ privateKey: CryptoKey; publicJwk: JWK; kid: string }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { privateKey, publicJwk, kid: await calculateJwkThumbprint(publicJwk) };
}

/** The claims of a genuine RFC 9068 access token of `sub` for the default audience. */
export function accessTokenClaims(sub: string, clientId: string, extra: Claims = {}): Claims {
  const now = nowSeconds();
  return {
    iss: TEST_ISSUER,
    sub,
    aud: TEST_AUDIENCE,
    client_id: clientId,
    scope: 'openid profile',
    jti: crypto.randomUUID(),
    iat: now,
    exp: now + 300,
    ...extra,
  };
}

/** The claims of a genuine ID Token of `sub` for `clientId` (OIDC Core §2). */
export function idTokenClaims(sub: string, clientId: string, extra: Claims = {}): Claims {
  const now = nowSeconds();
  return { iss: TEST_ISSUER, sub, aud: clientId, iat: now, exp: now + 300, ...extra };
}

/** Signs `claims` with the issuer's real ES256 key; `header` members are added (undefined removes one). */
export async function signAsIssuer(claims: Claims, header: Header = {}): Promise<string> {
  const key = await issuerKey('ES256');
  const protectedHeader = Object.fromEntries(
    Object.entries({ alg: key.alg, kid: key.kid, ...header }).filter(([, value]) => value !== undefined),
  );
  return new SignJWT(claims).setProtectedHeader(protectedHeader as { alg: string }).sign(key.privateKey);
}

function encodeSegment(value: unknown): string {
  return base64url.encode(JSON.stringify(value));
}

async function hmacSign(header: Header, claims: Claims, secret: Uint8Array): Promise<string> {
  const input = `${encodeSegment(header)}.${encodeSegment(claims)}`;
  const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(input));
  return `${input}.${base64url.encode(new Uint8Array(mac))}`;
}

export interface JwtAttack {
  name: string;
  /** Builds the forged token from the claims and typ of a token the target would accept. */
  forge(claims: Claims, typ: string): Promise<string>;
}

/**
 * The forgeries of RFC 8725 §2 and RFC 7515 §4.1 header abuse, each from a token the target would otherwise accept.
 * Time and audience tampering are signed with the real key, so only the tampered check can refuse them.
 */
export const JWT_ATTACKS: JwtAttack[] = [
  {
    name: 'alg none (RFC 8725 §2.1)',
    forge: async (claims, typ) => `${encodeSegment({ alg: 'none', typ })}.${encodeSegment(claims)}.`,
  },
  {
    name: 'alg none with the real kid and an empty signature',
    forge: async (claims, typ) =>
      `${encodeSegment({ alg: 'none', typ, kid: (await issuerKey('ES256')).kid })}.${encodeSegment(claims)}.`,
  },
  {
    name: 'HS256 keyed with the public RSA key (algorithm confusion, RFC 8725 §2.1)',
    forge: async (claims, typ) => {
      const key = await issuerKey('RS256');
      const pem = await exportSPKI(key.publicKey);
      return hmacSign({ alg: 'HS256', typ, kid: key.kid }, claims, new TextEncoder().encode(pem));
    },
  },
  {
    name: 'kid path traversal with an HMAC over /dev/null',
    // One zero byte: HMAC pads its key with zeros, so this is the MAC under the empty key (Web Crypto takes no empty key).
    forge: (claims, typ) =>
      hmacSign({ alg: 'HS256', typ, kid: '../../../../../../dev/null' }, claims, new Uint8Array(1)),
  },
  {
    name: 'kid SQL injection selecting a known key',
    forge: (claims, typ) =>
      hmacSign({ alg: 'HS256', typ, kid: "x' UNION SELECT 'secret' --" }, claims, new TextEncoder().encode('secret')),
  },
  {
    name: 'jku pointing at the attacker’s key set',
    forge: async (claims, typ) => {
      const attacker = await attackerKey();
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', typ, kid: attacker.kid, jku: 'https://evil.example/jwks.json' })
        .sign(attacker.privateKey);
    },
  },
  {
    name: 'x5u pointing at the attacker’s certificate',
    forge: async (claims, typ) => {
      const attacker = await attackerKey();
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', typ, kid: attacker.kid, x5u: 'https://evil.example/cert.pem' })
        .sign(attacker.privateKey);
    },
  },
  {
    name: 'embedded jwk of the attacker’s key',
    forge: async (claims, typ) => {
      const attacker = await attackerKey();
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', typ, jwk: attacker.publicJwk })
        .sign(attacker.privateKey);
    },
  },
  {
    name: 'attacker key reusing the issuer’s kid',
    forge: async (claims, typ) => {
      const attacker = await attackerKey();
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', typ, kid: (await issuerKey('ES256')).kid })
        .sign(attacker.privateKey);
    },
  },
  {
    name: 'crit naming an extension nobody understands (RFC 7515 §4.1.11)',
    forge: async (claims, typ) => {
      // jose's SignJWT refuses an unknown crit, so the header is assembled and signed by hand.
      const key = await issuerKey('ES256');
      const header = { alg: key.alg, kid: key.kid, typ, crit: ['urn:example:evil'], 'urn:example:evil': true };
      const input = `${encodeSegment(header)}.${encodeSegment(claims)}`;
      const signature = await crypto.subtle.sign(
        { name: 'ECDSA', hash: 'SHA-256' },
        key.privateKey,
        new TextEncoder().encode(input),
      );
      return `${input}.${base64url.encode(new Uint8Array(signature))}`;
    },
  },
  {
    name: 'expired an hour ago',
    forge: (claims, typ) => signAsIssuer({ ...claims, iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 }, { typ }),
  },
  {
    name: 'not yet valid (nbf in an hour)',
    forge: (claims, typ) => signAsIssuer({ ...claims, nbf: nowSeconds() + 3600 }, { typ }),
  },
  {
    name: 'another issuer',
    forge: (claims, typ) => signAsIssuer({ ...claims, iss: 'https://evil.example' }, { typ }),
  },
  {
    name: 'a tampered payload under the original signature',
    forge: async (claims, typ) => {
      const [header, , signature] = (await signAsIssuer(claims, { typ })).split('.');
      return `${header}.${encodeSegment({ ...claims, sub: 'someone-else' })}.${signature}`;
    },
  },
];

/** Signed by the issuer with the wrong `typ` (an ID Token where an access token is due, and the reverse). */
export function withWrongTyp(claims: Claims, wrongTyp: string | undefined): Promise<string> {
  return signAsIssuer(claims, { typ: wrongTyp });
}

/** Signed by the issuer for another audience. */
export function withWrongAudience(claims: Claims, typ: string): Promise<string> {
  return signAsIssuer({ ...claims, aud: 'https://evil.example/api' }, { typ });
}
