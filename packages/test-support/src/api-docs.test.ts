// The API reference (`pnpm docs:api`, TypeDoc over the TSDoc comments of the public API of both
// published packages, facekit and @facekit/node) builds with no warning: a comment that links to
// nothing, or a public type that names one the package does not export, fails here instead of
// leaving a broken reference.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './config.js';

describe('API reference', () => {
  it('typedoc.json (treatWarningsAsErrors) validates the public API with no warning', () => {
    let out = '';
    try {
      out = execFileSync(resolve(ROOT, 'node_modules/.bin/typedoc'), ['--emit', 'none'], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      expect.fail(`typedoc failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    }
    expect(out).not.toMatch(/\[warning\]|\[error\]/);
  }, 180_000);
});
