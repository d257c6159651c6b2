// `npm run --silent keys:generate -- [--alg ES256,RS256] [--prepend <file|json|->]`: prints a new private JWK set
// for the SIGNING_KEYS secret (`wrangler secret put SIGNING_KEYS`). With --prepend the new keys come first and the
// keys of an existing set follow: a key rotation, where the new keys sign and the old ones stay published.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { JWK } from 'jose';
import { generateSigningKeySet } from '../src/tokens/generate-key';
import { parseSigningKeySet, SIGNING_ALGORITHMS } from '../src/tokens/keys';
import { DEFAULT_SIGNING_ALGORITHMS, parseAlgorithmList } from './lib/signing-algorithms';

const USAGE = `Usage: npm run --silent keys:generate -- [--alg ${SIGNING_ALGORITHMS.join('|')}[,...]] [--prepend <file|json|->]

Prints a private JWK set for the SIGNING_KEYS secret on stdout. The first key signs access tokens;
every key is published in the JWKS.

  --alg      comma-separated algorithms of the new keys (default ${DEFAULT_SIGNING_ALGORITHMS.join(',')})
  --prepend  an existing set (a file, inline JSON, or - for stdin) whose keys follow the new ones: key rotation

Example: npm run --silent keys:generate | npx wrangler secret put SIGNING_KEYS`;

/** Bad command-line input: exit status 2 with the usage text. */
class UsageError extends Error {}

function asUsageError<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Reads the set to keep: inline JSON when it starts with `{`, stdin for `-`, otherwise a file path. */
function readExistingKeys(source: string): JWK[] {
  const text = asUsageError(() =>
    source.trim().startsWith('{') ? source : readFileSync(source === '-' ? 0 : source, 'utf8'),
  );
  try {
    return parseSigningKeySet(text).map(({ jwk }) => jwk);
  } catch (error) {
    throw new UsageError(
      `--prepend ${source.startsWith('{') ? '<json>' : source}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

async function main(argv: string[]): Promise<void> {
  const { values } = asUsageError(() =>
    parseArgs({
      args: argv,
      options: { alg: { type: 'string' }, prepend: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }),
  );
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const { alg, prepend } = values;
  const algorithms = alg === undefined ? DEFAULT_SIGNING_ALGORITHMS : asUsageError(() => parseAlgorithmList(alg));
  const existing = prepend === undefined ? [] : readExistingKeys(prepend);
  const { keys } = await generateSigningKeySet(algorithms);
  process.stdout.write(`${JSON.stringify({ keys: [...keys, ...existing] })}\n`);
  const kept = existing.length > 0 ? `, followed by ${existing.length} existing key(s)` : '';
  console.error(`keys:generate: new ${algorithms.join(', ')} key(s)${kept}.`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`keys:generate: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
