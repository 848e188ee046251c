import { describe, expect, it } from 'vitest';
import { ROOT } from './config.js';
import { boundaryViolations, formatViolation, packageUnit, repositoryViolations, sourceFiles } from './package-boundaries.js';

describe('package boundaries', () => {
  it('no relative import leaves its package (import by package name instead)', () => {
    expect(sourceFiles(ROOT).length).toBeGreaterThan(100);
    const found = repositoryViolations(ROOT).map(formatViolation);
    expect(found, `relative imports that cross a package boundary:\n${found.join('\n')}\n`).toEqual([]);
  });

  it('units: packages/<name>, examples/<name>, demo, e2e, models, scripts, the root', () => {
    expect(packageUnit('packages/core/src/index.ts')).toBe('packages/core');
    expect(packageUnit('packages/core/tools/build-kernels.ts')).toBe('packages/core');
    expect(packageUnit('examples/server-verify/src/server.ts')).toBe('examples/server-verify');
    expect(packageUnit('e2e/detect.spec.ts')).toBe('e2e');
    expect(packageUnit('scripts/eval/eval-live.ts')).toBe('scripts');
    expect(packageUnit('vite.config.ts')).toBe('(root)');
  });

  it('finds each kind of crossing import and ignores comments, strings and package names', () => {
    // The specifiers are quoted at run time, so that this file has no crossing import itself.
    const q = (specifier: string) => `'${specifier}'`;
    const source = [
      `import { a } from ${q('./a.js')};`,
      `import { b } from ${q('../../core/src/index.js')};`,
      `import type { C } from ${q('../../../e2e/config.js')};`,
      `export * from ${q('../../node/src/pixels.js')};`,
      `const d = await import(${q('../../../scripts/eval/x.js')});`,
      `type E = import(${q('../../web/src/api/test-hooks.js')}).TestHooks;`,
      `import ${q('../../../../outside.js')};`,
      `import { f } from ${q('@facekit/core')};`,
      `// import { g } from ${q('../../core/src/g.js')};`,
      `const s = "from ${q('../../core/src/h.js')}";`,
    ].join('\n');
    const found = boundaryViolations('packages/bench/src/x.ts', source);
    expect(found.map((v) => [v.line, v.toUnit])).toEqual([
      [2, 'packages/core'],
      [3, 'e2e'],
      [4, 'packages/node'],
      [5, 'scripts'],
      [6, 'packages/web'],
      [7, '(outside the repository)'],
    ]);
  });
});
