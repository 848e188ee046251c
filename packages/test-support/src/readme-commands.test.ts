// Every command the READMEs and docs/ name exists as written: `npm test`, `npm run <script>` and
// `pnpm <script>` name a script of the root package.json; `pnpm --filter <package> <script>` one of
// that workspace package; `pnpm exec tsx <file>` and `bash <file>` a file of the repository;
// `facekit-node <command>` and `facekit <command>` a command of that package's CLI. A renamed
// script or moved file fails here instead of leaving a README that sends users nowhere. (What the
// commands do is run by the tests that own them: e2e/package.spec.ts runs the README's embed
// example as written, e2e/site.spec.ts the static site, e2e/node-package.spec.ts the Node CLI.)
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './config.js';

const DOCS = [
  'README.md',
  ...readdirSync(resolve(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
  ...readdirSync(resolve(ROOT, 'examples')).map((d) => `examples/${d}/README.md`).filter((f) => existsSync(resolve(ROOT, f))),
];
// pnpm's and npm's own commands (not scripts).
const PNPM_COMMANDS = new Set(['add', 'install', 'i', 'exec', 'dlx', 'pack', 'publish', 'run', 'test', 'why', 'list', 'ls', 'store', 'config', 'create', 'init', 'remove', 'update', 'up', 'link', 'audit']);
const NPM_COMMANDS = new Set(['install', 'i', 'ci', 'pack', 'publish', 'init', 'exec', 'ls', 'view']);

interface Pkg { name: string; scripts?: Record<string, string> }
const readPkg = (dir: string): Pkg => JSON.parse(readFileSync(resolve(ROOT, dir, 'package.json'), 'utf8')) as Pkg;
const root = readPkg('.');
const workspace = new Map<string, Pkg>();
for (const group of ['packages', 'examples']) {
  for (const d of readdirSync(resolve(ROOT, group))) {
    if (existsSync(resolve(ROOT, group, d, 'package.json'))) { const p = readPkg(join(group, d)); workspace.set(p.name, p); }
  }
}
const cliSource = (file: string): string => readFileSync(resolve(ROOT, file), 'utf8');
const CLIS: Record<string, string> = { 'facekit-node': cliSource('packages/node/src/cli/facekit-node.ts'), facekit: cliSource('packages/web/src/cli/facekit.ts') };

/** The code in a markdown file: fenced blocks (line by line) and inline code spans. */
function codeOf(md: string): string[] {
  const out: string[] = [];
  const fenced = /```[^\n]*\n([\s\S]*?)```/g;
  for (const m of md.matchAll(fenced)) out.push(...m[1]!.split('\n'));
  for (const m of md.replace(fenced, '').matchAll(/`([^`\n]+)`/g)) out.push(m[1]!);
  return out;
}

/** Each simple command in a line of shell: split at ;, &&, || and |, comments and env assignments dropped. */
function commandsOf(line: string): string[][] {
  return line.replace(/\s#.*$/, '').split(/&&|\|\||;|\|/).map((c) => c.trim().split(/\s+/).filter((t) => t !== '')).map((t) => {
    while (t.length && /^[A-Z_]+=/.test(t[0]!)) t.shift();
    return t;
  }).filter((t) => t.length > 0);
}

/** What is wrong with one command, or undefined when it names things that exist. Commands of other tools pass. */
function problem(t: string[]): string | undefined {
  const [tool, first, second, third] = t;
  const isPlaceholder = (s: string | undefined) => s === undefined || /[<…[]/.test(s) || s.startsWith('-');
  if (tool === 'npm') {
    if (first === 'test') return root.scripts?.test ? undefined : 'no test script';
    if (first === 'run') return isPlaceholder(second) || root.scripts?.[second!] ? undefined : `no root script "${second}"`;
    return first === undefined || NPM_COMMANDS.has(first) ? undefined : `unknown npm command "${first}"`;
  }
  if (tool === 'pnpm') {
    if (first === '--filter' || first === '-F') {
      const pkg = workspace.get(second!);
      if (!pkg) return `no workspace package "${second}"`;
      return isPlaceholder(third) || PNPM_COMMANDS.has(third!) || pkg.scripts?.[third!] ? undefined : `no script "${third}" in ${second}`;
    }
    if (first === 'exec' && (second === 'tsx' || second === 'node')) return isPlaceholder(third) || existsSync(resolve(ROOT, third!)) ? undefined : `no file ${third}`;
    if (first === 'facekit-node') return isPlaceholder(second) || CLIS['facekit-node']!.includes(`command === '${second}'`) ? undefined : `facekit-node has no command "${second}"`;
    if (isPlaceholder(first) || PNPM_COMMANDS.has(first!)) return undefined;
    return root.scripts?.[first!] ? undefined : `no root script "${first}"`;
  }
  if (tool === 'npx') {
    // `npx <package> <command>`, or `npx -p <package> <bin> <command>`.
    const [pkg, command] = t[1] === '-p' ? [t[2], t[4]] : [t[1], t[2]];
    const cli = pkg === '@facekit/node' ? 'facekit-node' : pkg === 'facekit' ? 'facekit' : undefined;
    if (!cli || isPlaceholder(command)) return undefined;
    return CLIS[cli]!.includes(`'${command}'`) ? undefined : `${cli} has no command "${command}"`;
  }
  if (tool === 'bash' && first && !first.startsWith('-')) return existsSync(resolve(ROOT, first)) ? undefined : `no file ${first}`;
  return undefined;
}

describe('commands named in the READMEs and docs/', () => {
  it('every npm, pnpm, npx and bash command names a script, package, file or CLI command that exists', () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const doc of DOCS) {
      for (const line of codeOf(readFileSync(resolve(ROOT, doc), 'utf8'))) {
        for (const t of commandsOf(line)) {
          if (!['npm', 'pnpm', 'npx', 'bash'].includes(t[0]!)) continue;
          checked++;
          const p = problem(t);
          if (p) wrong.push(`${doc}: \`${t.join(' ')}\`: ${p}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(30);
  });
});
