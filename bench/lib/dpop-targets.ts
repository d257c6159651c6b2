// DPoP (RFC 9449, issue 13) next to its Bearer twins: client_credentials with a proof (one more signature check and
// one D1 insert for the jti) against `cc.portcullis`, and the sample API with a DPoP-bound token and a fresh proof
// per request against `api.portcullis`. Proofs are signed before each run, one per request, as clients would.
import { base64url, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { Environment } from './environment';
import { BENCH_SCOPE, basicAuthorization } from './seed';
import { cycling, FORM, type RequestShape, type RunPlan, type Target } from './targets';

interface ProofSigner {
  privateKey: CryptoKey;
  jwk: JWK;
}

async function proofSigner(): Promise<ProofSigner> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { privateKey, jwk: await exportJWK(publicKey) };
}

/** One proof per expected request, each with its own jti, all issued now (the issuer accepts them for 60 s). */
async function signProofs(signer: ProofSigner, htm: string, htu: string, count: number, ath?: string) {
  const iat = Math.floor(Date.now() / 1000);
  return Promise.all(
    Array.from({ length: count }, () =>
      new SignJWT({ jti: crypto.randomUUID(), htm, htu, iat, ...(ath ? { ath } : {}) })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: signer.jwk })
        .sign(signer.privateKey),
    ),
  );
}

export function dpopTargets(env: Environment): Target[] {
  const { portcullis, issuer, client } = env;
  const tokenUrl = `${issuer}/oauth/token`;
  const body = new URLSearchParams({ grant_type: 'client_credentials', scope: BENCH_SCOPE }).toString();
  const headers = { Authorization: basicAuthorization(client), 'Content-Type': FORM };
  return [
    {
      id: 'cc.portcullis.dpop',
      what: 'client_credentials (Basic) with a DPoP proof, warm: one client',
      server: portcullis,
      anchor: 'cc.portcullis',
      async requests({ expectedRequests }: RunPlan): Promise<RequestShape> {
        const proofs = await signProofs(await proofSigner(), 'POST', tokenUrl, expectedRequests);
        return {
          url: tokenUrl,
          method: 'POST',
          headers,
          body,
          requests: [cycling(proofs, (proof) => ({ headers: { DPoP: proof } }))],
          poolSize: proofs.length,
        };
      },
    },
    {
      id: 'api.portcullis.dpop',
      what: 'GET /api/unicorns in the Portcullis Worker, DPoP-bound token reused, a fresh proof each',
      server: portcullis,
      anchor: 'api.portcullis',
      goals: [
        { label: 'issue 13: DPoP API request ≤ 2× Bearer CPU', versus: 'api.portcullis', metric: 'cpu', atMost: 2 },
      ],
      async requests({ expectedRequests }: RunPlan): Promise<RequestShape> {
        const signer = await proofSigner();
        const [proof] = await signProofs(signer, 'POST', tokenUrl, 1);
        const response = await fetch(tokenUrl, { method: 'POST', headers: { ...headers, DPoP: proof! }, body });
        const { access_token: token } = (await response.json()) as { access_token: string };
        const ath = base64url.encode(
          new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))),
        );
        const url = `${portcullis.url}/api/unicorns`;
        const proofs = await signProofs(signer, 'GET', url, expectedRequests, ath);
        return {
          url,
          method: 'GET',
          headers: { Authorization: `DPoP ${token}` },
          requests: [cycling(proofs, (each) => ({ headers: { DPoP: each } }))],
          poolSize: proofs.length,
        };
      },
    },
  ];
}
