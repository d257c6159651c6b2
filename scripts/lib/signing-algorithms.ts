// The algorithms of newly generated signing keys, shared by `keys:generate` and the development key set of `npm start`.
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '../../src/tokens/keys';

/**
 * ES256 comes first, so it signs access tokens; RS256 is there because OpenID Connect Core §15.1 requires ID tokens
 * to be signable with RS256.
 */
export const DEFAULT_SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['ES256', 'RS256'];

/** Parses a comma-separated list such as `ES256,RS256`; throws a readable Error on an unknown or empty list. */
export function parseAlgorithmList(value: string): SigningAlgorithm[] {
  const algorithms = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (algorithms.length === 0) throw new Error('--alg needs at least one algorithm');
  for (const alg of algorithms) {
    if (!(SIGNING_ALGORITHMS as readonly string[]).includes(alg)) {
      throw new Error(`unsupported algorithm "${alg}"; choose from ${SIGNING_ALGORITHMS.join(', ')}`);
    }
  }
  return algorithms as SigningAlgorithm[];
}
