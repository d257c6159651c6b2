// Client authentication cost (issue 12): client_credentials with private_key_jwt, one never-used ES256 assertion per
// request (signed before the run, as a client would sign each), next to client_secret_basic (cc.portcullis), its
// anchor. The difference per token is an ES256 verification and the D1 insert that records the jti (RFC 7523 §3).
import { storesFor } from '../../src/storage/stores';
import {
  CLIENT_ASSERTION_TYPE,
  privateKeyJwtClientRecord,
  signClientAssertion,
  type SigningKeyPair,
} from '../../test/fixtures/jwt-client';
import type { Environment } from './environment';
import { BENCH_SCOPE } from './seed';
import { cycling, FORM, type RequestShape, type RunPlan, type Target } from './targets';

const PRIVATE_KEY_JWT_CLIENT_ID = 'bench-private-key-jwt';

export function clientAuthTargets(env: Environment): Target[] {
  const { portcullis, portcullisDb, issuer } = env;
  let seeded: Promise<SigningKeyPair> | undefined;
  const seedClient = async () => {
    const { client, key } = await privateKeyJwtClientRecord(PRIVATE_KEY_JWT_CLIENT_ID, 'Bench private_key_jwt', {
      scopes: BENCH_SCOPE.split(' '),
    });
    await storesFor(portcullisDb).clients.create(client);
    return key;
  };
  return [
    {
      id: 'cc.portcullis.private-key-jwt',
      what: 'client_credentials, private_key_jwt (ES256, a new jti per request)',
      server: portcullis,
      anchor: 'cc.portcullis',
      async requests({ expectedRequests }: RunPlan): Promise<RequestShape> {
        seeded ??= seedClient();
        const key = await seeded;
        const signing = { privateKey: key.privateKey, alg: key.alg, kid: key.publicJwk.kid };
        const assertions: string[] = [];
        for (let index = 0; index < expectedRequests; index++) {
          // Valid for the whole run: a run is seconds, the server allows up to 5 minutes.
          assertions.push(
            await signClientAssertion(PRIVATE_KEY_JWT_CLIENT_ID, signing, issuer, { lifetimeSeconds: 280 }),
          );
        }
        const body = (assertion: string) =>
          new URLSearchParams({
            grant_type: 'client_credentials',
            scope: BENCH_SCOPE,
            client_assertion_type: CLIENT_ASSERTION_TYPE,
            client_assertion: assertion,
          }).toString();
        return {
          url: `${portcullis.url}/oauth/token`,
          method: 'POST',
          headers: { 'Content-Type': FORM },
          requests: [cycling(assertions, (assertion) => ({ body: body(assertion) }))],
          poolSize: assertions.length,
        };
      },
    },
  ];
}
