// The package as installed: its name resolves to the built ESM in dist/ (so these tests exercise what ships), and it
// depends on jose alone, with hono an optional peer for the /hono entry.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('@portcullis/verify as a package', () => {
  it('resolves both entries to the built JavaScript, not the TypeScript sources', () => {
    expect(import.meta.resolve('@portcullis/verify')).toMatch(/\/packages\/verify\/dist\/index\.js$/);
    expect(import.meta.resolve('@portcullis/verify/hono')).toMatch(/\/packages\/verify\/dist\/hono\.js$/);
  });

  it('depends on jose only, with hono an optional peer dependency', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(Object.keys(manifest.dependencies)).toEqual(['jose']);
    expect(manifest.peerDependenciesMeta).toEqual({ hono: { optional: true } });
  });
});
