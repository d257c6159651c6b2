// Ceiling: Hono plus one jose ES256 signature of an access-token-sized JWT with a key imported once per isolate:
// what a token endpoint costs before it reads anything.
import { Hono } from 'hono';
import { metered } from '../workers/storage-meter';
import { importJWK, SignJWT, type JWK } from 'jose';

type Env = { Bindings: { SIGNING_JWK: string; ISSUER: string } };

let privateKey: Promise<CryptoKey> | undefined;

const app = new Hono<Env>().get('/', async (c) => {
  privateKey ??= importJWK(JSON.parse(c.env.SIGNING_JWK) as JWK, 'ES256') as Promise<CryptoKey>;
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ client_id: 'ceiling', scope: 'read write' })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
    .setIssuer(c.env.ISSUER)
    .setSubject('ceiling')
    .setAudience(`${c.env.ISSUER}/api`)
    .setJti(crypto.randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + 900)
    .sign(await privateKey);
  return c.json({ access_token: token, token_type: 'Bearer', expires_in: 900 });
});

// Served through the same meter wrapper as Portcullis, so the ratio does not count the wrapper against it.
export default metered(app as unknown as ExportedHandler<Record<string, unknown>>, []);
