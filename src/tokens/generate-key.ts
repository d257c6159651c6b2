// Creates private signing JWKs: for the SIGNING_KEYS secret (scripts, tests) and for the Worker's managed keys
// (oauth/managed-keys.ts), which seal them at once.
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { SigningAlgorithm } from './keys';

export async function generateSigningJwk(alg: SigningAlgorithm): Promise<JWK> {
  const options = alg === 'RS256' ? { extractable: true, modulusLength: 2048 } : { extractable: true };
  const { privateKey } = await generateKeyPair(alg, options);
  return { ...(await exportJWK(privateKey)), alg, use: 'sig' };
}

export async function generateSigningKeySet(algorithms: readonly SigningAlgorithm[]): Promise<{ keys: JWK[] }> {
  return { keys: await Promise.all(algorithms.map(generateSigningJwk)) };
}
