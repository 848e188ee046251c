// The framework typings (facekit/react, /vue, /svelte) import the framework's own types. Those
// packages are the app's, not facekit's: each must be an optional peer dependency, so an app
// without that framework installs nothing more, and an app with an older one (React 18's types)
// installs without a conflict.
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const here = import.meta.dirname;
const pkg = JSON.parse(readFileSync(resolve(here, '../../package.json'), 'utf8')) as {
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dependencies?: Record<string, string>;
};
/** The npm package a bare import names ('svelte/elements' → 'svelte'); vue's types come from vue itself, React's from @types/react. */
const packageOf = (spec: string): string => {
  const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
  return name === 'react' ? '@types/react' : name;
};

describe('framework typings', () => {
  it('every framework they import is an optional peer dependency, and nothing else is', () => {
    const imported = new Set<string>();
    for (const file of readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      for (const m of readFileSync(resolve(here, file), 'utf8').matchAll(/^import [^;]* from '([^.'][^']*)';/gm)) imported.add(packageOf(m[1]!));
    }
    expect([...imported].sort()).toEqual(['@types/react', 'svelte', 'vue']);
    expect(Object.keys(pkg.peerDependencies ?? {}).sort()).toEqual([...imported].sort());
    for (const name of imported) {
      expect(pkg.peerDependenciesMeta?.[name]?.optional, name).toBe(true);
      expect(pkg.dependencies?.[name], name).toBeUndefined();
    }
  });
});
