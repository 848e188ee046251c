// Package boundaries: a relative import may not leave the unit it is written in. Across units,
// code imports by package name (facekit, @facekit/core, @facekit/test-support/..., each
// resolved through its package.json `exports`), so every dependency is declared and visible.
// Units: packages/<name>, examples/<name>, demo, e2e, models, scripts, and the repository root.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, posix } from 'node:path';
import ts from 'typescript';

/** Files whose imports are checked. */
export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs'] as const;

/** The unit a repository-relative path (forward slashes) belongs to. */
export function packageUnit(path: string): string {
  const parts = path.split('/');
  if ((parts[0] === 'packages' || parts[0] === 'examples') && parts.length > 2) return `${parts[0]}/${parts[1]}`;
  if (['demo', 'e2e', 'models', 'scripts'].includes(parts[0]!) && parts.length > 1) return parts[0]!;
  return '(root)';
}

export interface BoundaryViolation {
  /** The importing file, repository-relative. */
  file: string;
  line: number;
  specifier: string;
  /** Where the specifier points, repository-relative (may start with ../ when it leaves the repository). */
  target: string;
  fromUnit: string;
  toUnit: string;
}

/**
 * The relative imports, re-exports, dynamic imports, import types and require calls in one file
 * that point outside its unit. Comments and strings are skipped (TypeScript's own import scan).
 */
export function boundaryViolations(file: string, source: string): BoundaryViolation[] {
  const info = ts.preProcessFile(source, true, true);
  const out: BoundaryViolation[] = [];
  const fromUnit = packageUnit(file);
  for (const ref of info.importedFiles) {
    const specifier = ref.fileName;
    if (!/^\.\.?(\/|$)/.test(specifier)) continue;
    const target = posix.normalize(posix.join(dirname(file), specifier));
    const toUnit = target === '..' || target.startsWith('../') ? '(outside the repository)' : packageUnit(target);
    if (toUnit === fromUnit) continue;
    const line = source.slice(0, ref.pos).split('\n').length;
    out.push({ file, line, specifier, target, fromUnit, toUnit });
  }
  return out;
}

/** Tracked and new (not ignored) source files under `root`, without node_modules and dist folders. */
export function sourceFiles(root: string): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return [...new Set(listed.split('\0'))]
    .filter((f) => f !== '' && SOURCE_EXTENSIONS.some((e) => f.endsWith(e)))
    .filter((f) => !f.split('/').some((p) => p === 'node_modules' || p === 'dist'))
    .sort();
}

/** Every violation in the repository at `root`. Files listed by git but deleted on disk are skipped. */
export function repositoryViolations(root: string): BoundaryViolation[] {
  return sourceFiles(root).flatMap((f) => {
    let source: string;
    try {
      source = readFileSync(`${root}/${f}`, 'utf8');
    } catch {
      return [];
    }
    return boundaryViolations(f, source);
  });
}

export function formatViolation(v: BoundaryViolation): string {
  return `${v.file}:${v.line} imports '${v.specifier}' (${v.target}): ${v.fromUnit} -> ${v.toUnit}`;
}
