// @facekit/node as published: `pnpm pack` (its prepack builds dist/), the tarball unpacked into a
// scratch app outside the workspace, its dependencies linked from the workspace's install (the
// same versions npm would fetch; nothing is downloaded here). The app imports the package by
// name, type-checks against the shipped .d.ts, runs detect → embed → verify and the PostgreSQL
// gallery, and runs the `facekit-node` bin (`npx @facekit/node models`, then `enroll`).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { ROOT, SHARED_DIR } from '@facekit/test-support/config';

const NODE_PKG = resolve(ROOT, 'packages/node');
const MODELS = resolve(process.env.FACEKIT_MODELS ?? resolve(ROOT, 'models/files'));
const IMAGES = resolve(SHARED_DIR, 'data/images');

let app: string;
test.beforeAll(() => {
  test.setTimeout(180_000);
  app = mkdtempSync(join(tmpdir(), 'facekit-node-app-'));
  execFileSync('pnpm', ['pack', '--pack-destination', app], { cwd: NODE_PKG, stdio: 'pipe' });
  const tarball = readdirSync(app).find((f) => f.endsWith('.tgz'))!;
  const pkgDir = join(app, 'node_modules/@facekit/node');
  mkdirSync(pkgDir, { recursive: true });
  execFileSync('tar', ['xzf', join(app, tarball), '-C', pkgDir, '--strip-components', '1']);
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies?: Record<string, string> };
  for (const dep of Object.keys(manifest.dependencies)) {
    const target = join(app, 'node_modules', dep);
    mkdirSync(resolve(target, '..'), { recursive: true });
    symlinkSync(resolve(NODE_PKG, 'node_modules', dep), target, 'dir');
  }
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch-node-app', private: true, type: 'module' }));
  // The bin link npm makes on install, so that npx finds the package's command.
  mkdirSync(join(app, 'node_modules/.bin'));
  symlinkSync('../@facekit/node/dist/cli.js', join(app, 'node_modules/.bin/facekit-node'));
});
test.afterAll(() => { if (app) rmSync(app, { recursive: true, force: true }); });

test('the tarball holds the built package and nothing of the workspace', () => {
  const pkgDir = join(app, 'node_modules/@facekit/node');
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as Record<string, unknown>;
  // pnpm applies publishConfig: the published exports point at dist, and core is bundled, not a dependency.
  expect(manifest.exports).toEqual({ '.': { types: './dist/types/node/src/index.d.ts', import: './dist/index.js' }, './package.json': './package.json' });
  // Its own name: the browser package's bin is `facekit`, and both may be installed in one app.
  expect(manifest.bin).toEqual({ 'facekit-node': './dist/cli.js' });
  expect(Object.keys(manifest.dependencies as object)).not.toContain('@facekit/core');
  expect(readdirSync(pkgDir).sort()).toEqual(['LICENSE', 'dist', 'package.json']);
  expect(manifest.license).toBe('MIT');
  expect(readFileSync(join(pkgDir, 'LICENSE'), 'utf8')).toMatch(/^MIT License[\s\S]*does not cover the model weights/);
  const js = readdirSync(join(pkgDir, 'dist')).filter((f) => f.endsWith('.js'));
  for (const f of js) expect(readFileSync(join(pkgDir, 'dist', f), 'utf8')).not.toMatch(/from ["']@facekit\/core["']/);
});

test('an app imports it by name, type-checks against its .d.ts, verifies faces and searches a PostgreSQL gallery', () => {
  test.setTimeout(180_000);
  writeFileSync(join(app, 'main.ts'), `import { createFaceKit, createPgGallery, InvalidInputError, type NodeFaceKit, type PgGallery } from '@facekit/node';
const [models, a, b, c] = process.argv.slice(2) as [string, string, string, string];
const kit: NodeFaceKit = await createFaceKit({ modelDir: models, threads: 2 });
const emb = async (f: string) => (await kit.analyze(f, { flip: true })).faces[0]!.embedding;
const [ea, eb, ec] = [await emb(a), await emb(b), await emb(c)];
const gallery: PgGallery = await createPgGallery({ db: 'memory:' });
await gallery.add('person-a', ea, { source: a });
await gallery.add('person-c', ec);
const best = (await gallery.search(eb, 1))[0]!;
let typed = false;
try { await kit.detect(Buffer.from('not an image')); } catch (e) { typed = e instanceof InvalidInputError; }
console.log(JSON.stringify({ same: kit.verify(ea, eb, { flip: true }).isMatch, different: kit.verify(ea, ec, { flip: true }).isMatch, best: best.id, typed, runtime: kit.info.runtime }));
await gallery.close();
await kit.dispose();
`);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [resolve(ROOT, 'node_modules/@types')] },
    files: ['main.ts'],
  }));
  const tsc = spawnSync(resolve(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8' });
  expect(tsc.stdout + tsc.stderr, 'tsc on the shipped types').toBe('');
  // Run it as plain JS: type stripping by esbuild, so the run needs nothing from the workspace.
  execFileSync(resolve(ROOT, 'node_modules/.bin/esbuild'), ['main.ts', '--outfile=main.mjs', '--format=esm', '--platform=node'], { cwd: app, stdio: 'pipe' });
  const out = execFileSync(process.execPath, ['main.mjs', MODELS, join(IMAGES, 'faceonnx/verification/brad_1.jpg'), join(IMAGES, 'faceonnx/verification/brad_2.jpg'), join(IMAGES, 'faceonnx/verification/nicole_1.jpg')], { cwd: app, encoding: 'utf8' });
  expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ same: true, different: false, best: 'person-a', typed: true, runtime: 'onnxruntime-node' });
});

test('npx @facekit/node models fills ./facekit/models, where its facekit-node bin enrolls from by default, and says where `assets` lives', () => {
  test.setTimeout(180_000);
  // No FACEKIT_MODELS: the default folder is what is tested.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'FACEKIT_MODELS'));
  const models = spawnSync('npx', ['--no-install', '@facekit/node', 'models', '--from', resolve(SHARED_DIR, 'models')], { cwd: app, env, encoding: 'utf8' });
  expect(models.status, models.stderr).toBe(0);
  expect(models.stdout).toBe(`2 model files in ${join(app, 'facekit/models')} (fetched 2, already there 0)\n`);
  expect(models.stderr).toMatch(/\r\[1\/2\] det_500m {2}checking…[^\n]*\r\[2\/2\] fr_feature {2}fetched/);
  expect(readdirSync(join(app, 'facekit/models')).sort()).toEqual(['det_500m.onnx', 'fr_feature.onnx']);
  // Again: nothing to fetch.
  const again = spawnSync('npx', ['--no-install', 'facekit-node', 'models', '--quiet'], { cwd: app, env, encoding: 'utf8' });
  expect(again.status, again.stderr).toBe(0);
  expect(again.stdout).toMatch(/\(fetched 0, already there 2\)/);

  const photos = join(app, 'photos');
  for (const [id, file] of [['brad', 'brad_1.jpg'], ['brad', 'brad_2.jpg'], ['nicole', 'nicole_1.jpg']] as const) {
    mkdirSync(join(photos, id), { recursive: true });
    writeFileSync(join(photos, id, file), readFileSync(join(IMAGES, 'faceonnx/verification', file)));
  }
  const bin = join(app, 'node_modules/@facekit/node/dist/cli.js');
  const run = spawnSync(process.execPath, [bin, 'enroll', photos, '--db', join(app, 'db'), '--json', '--quiet'], { cwd: app, env, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject({ enrolled: 3, skipped: 0, identities: 2 });
  // --models still names another folder.
  const other = spawnSync(process.execPath, [bin, 'enroll', photos, '--db', 'memory:', '--models', MODELS, '--json', '--quiet'], { cwd: app, env, encoding: 'utf8' });
  expect(other.status, other.stderr).toBe(0);
  const assets = spawnSync(process.execPath, [bin, 'assets', 'x'], { cwd: app, encoding: 'utf8' });
  expect(assets.status).toBe(2);
  expect(assets.stderr).toMatch(/npx -p facekit facekit assets/);
  expect(assets.stderr).toContain('Usage: facekit-node models');
});
