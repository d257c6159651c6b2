// The git-ignored .dev.vars file wrangler dev reads its secrets from: entries that are missing are generated and
// appended; existing ones, including anything the developer wrote, are never changed.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

const HEADER = `# Local secrets and settings for \`wrangler dev\`, written by \`npm start\` (scripts/dev.ts).
# Git-ignored: never commit it. Delete a line to have it generated again on the next start.
`;

/** Generators of the values of missing entries, by name, in the order they are appended. */
export type DevVarGenerators = Record<string, () => string | Promise<string>>;

export interface DevVarsResult {
  values: Record<string, string>;
  /** Names of the entries this call generated. */
  created: string[];
}

export async function ensureDevVars(path: string, generators: DevVarGenerators): Promise<DevVarsResult> {
  const existing = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const values = Object.fromEntries(
    Object.entries(parseEnv(existing)).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const created: string[] = [];
  let appended = '';
  for (const [name, generate] of Object.entries(generators)) {
    if (values[name] !== undefined && values[name] !== '') continue;
    const value = await generate();
    values[name] = value;
    appended += `${name}=${quote(value)}\n`;
    created.push(name);
  }
  if (appended !== '') {
    if (existing === '') {
      writeFileSync(path, HEADER + appended, { mode: 0o600 });
    } else {
      appendFileSync(path, (existing.endsWith('\n') ? '' : '\n') + appended);
    }
  }
  return { values, created };
}

/** dotenv syntax: single quotes keep JSON's double quotes literal. */
function quote(value: string): string {
  if (/^[\w.:/+-]*$/.test(value)) return value;
  if (value.includes("'") || value.includes('\n')) throw new Error(`cannot write this value to .dev.vars: ${value}`);
  return `'${value}'`;
}
