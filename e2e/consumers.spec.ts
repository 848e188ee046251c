// facekit in the apps people build with it. A webpack 5 app: the packed tarball installed outside
// the workspace and bundled by webpack with no configuration (worker, ORT glue and wasm, the
// gender head all bundled or emitted by webpack), served as static files. Then the React, Vue and
// Svelte examples (examples/*-verify): each is type-checked with its framework's checker against
// the element's typings (facekit/react, facekit/vue, facekit/svelte), built with Vite and run with
// a fake camera: enroll, then verify, seen through the app's own event handlers.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { ROOT, SHARED_DIR } from '@facekit/test-support/config';
import { startStaticServer } from '@facekit/test-support/static-server';
import { makeStream } from '@facekit/test-support/streams';
import { openCameraPage } from './fake-camera.js';

const MODELS = resolve(process.env.FACEKIT_MODELS ?? resolve(ROOT, 'models/files'));
const IMAGES = resolve(SHARED_DIR, 'data/images');
const ORT_DIST = resolve(ROOT, 'node_modules/onnxruntime-web/dist');

const run = (cmd: string, args: string[], cwd: string) => {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${err.stdout ?? ''}\n${err.stderr ?? ''}\n${err.message}`);
  }
};

interface WebpackResult { faces: number; genders: string[]; info: { crossOriginIsolated: boolean; threadsPerWorker: number } }

test.describe('webpack 5', () => {
  let app: string;
  test.beforeAll(() => {
    test.setTimeout(240_000);
    app = mkdtempSync(join(tmpdir(), 'facekit-webpack-'));
    // pack runs the package build (prepack).
    run('pnpm', ['pack', '--pack-destination', app], resolve(ROOT, 'packages/web'));
    const tarball = readdirSync(app).find((f) => f.endsWith('.tgz'))!;
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'webpack-app', private: true, type: 'module' }));
    run('npm', ['install', '--no-audit', '--no-fund', '--offline', join(app, tarball)], app);
  });
  test.afterAll(() => { if (app) rmSync(app, { recursive: true, force: true }); });

  test('an app bundled by webpack 5 with no configuration detects and reads gender, cross-origin isolated and on a host without COOP/COEP', async ({ page }) => {
    // webpack's defaults: src/index.js → dist/main.js. No config file, no loaders, no experiments.
    mkdirSync(join(app, 'src'));
    writeFileSync(join(app, 'src/index.js'), `import { createFaceKit } from 'facekit';
window.step = 'loaded';
window.run = async (modelBaseUrl, photos) => {
  window.step = 'createFaceKit';
  const kit = await createFaceKit({ modelBaseUrl });
  let faces = 0;
  const genders = [];
  for (const u of photos) {
    const blob = await (await fetch(u)).blob();
    window.step = 'detect ' + u;
    faces += (await kit.detect(blob)).faces.length;
    window.step = 'analyze ' + u;
    // Gender: the worker's lazily imported head file, which webpack split into its own chunk.
    genders.push((await kit.analyze(blob, { attributes: ['gender'] })).faces[0].attributes.gender.label);
  }
  const out = { faces, genders, info: kit.info };
  window.step = 'dispose';
  await kit.dispose();
  return out;
};
window.ready = true;
`);
    const webpack = resolve(ROOT, 'e2e/node_modules/.bin/webpack');
    const out = run(webpack, ['--mode', 'production', '--no-color'], app);
    expect(out).toMatch(/compiled/);
    // Only webpack's size hints: nothing about facekit's requests.
    expect(out).not.toMatch(/ERROR|Critical dependency|Module not found/);
    writeFileSync(join(app, 'dist/index.html'), '<!doctype html><meta charset="utf-8"><title>webpack</title><script src="./main.js"></script>');
    const emitted = readdirSync(join(app, 'dist'));
    expect(emitted.filter((f) => f.endsWith('.wasm')).length).toBe(2); // the WASM-only and WebGPU builds

    // Served with the COOP/COEP headers (threads), then by a host that sends none (one thread per worker).
    for (const isolated of [true, false]) {
      const server = await startStaticServer({ roots: { '/': join(app, 'dist'), '/models/': MODELS, '/img/': IMAGES }, isolated });
      const log: string[] = [];
      page.removeAllListeners('console').removeAllListeners('pageerror').removeAllListeners('worker');
      page.on('console', (m) => log.push(`console.${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
      const workers: string[] = [];
      page.on('worker', (w) => workers.push(w.url()));
      try {
        await page.goto(`${server.url}/`);
        await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
        const r = await page.evaluate(
          ([m, p]) => (window as unknown as { run(m: string, p: readonly string[]): Promise<WebpackResult> }).run(m, p),
          ['/models/', ['/img/faceonnx/verification/nicole_1.jpg', '/img/faceonnx/verification/brad_1.jpg']] as const,
        ).catch(async (e: unknown) => {
          const step = await page.evaluate(() => (window as unknown as { step?: string }).step).catch(() => 'unknown');
          throw new Error(`${isolated ? 'isolated' : 'not isolated'}: failed at step ${step}: ${String(e)}\n${log.join('\n')}\n${server.requests.map((q) => `${q.path} → ${q.status}`).join('\n')}`);
        });
        console.log(`webpack app, ${isolated ? 'cross-origin isolated' : 'no COOP/COEP'}: ${r.faces} faces, ${r.info.threadsPerWorker} thread(s) per worker`);
        expect(r.faces).toBe(2);
        expect(r.genders).toEqual(['female', 'male']);
        expect(r.info.crossOriginIsolated).toBe(isolated);
        if (!isolated) expect(r.info.threadsPerWorker).toBe(1);
        // Everything came from webpack's output: the worker chunk, ORT's glue and its wasm.
        const paths = server.requests.map((q) => q.path);
        expect(workers.some((u) => u.startsWith(`${server.url}/`))).toBe(true);
        expect(paths.some((p) => /^GET \/[\w.-]+\.wasm$/.test(p))).toBe(true);
        expect(server.requests.filter((q) => q.status >= 400 && q.path !== 'GET /favicon.ico')).toEqual([]);
      } finally {
        await server.close();
      }
    }
  });

  test('the tarball ships the element\'s framework typings: facekit/react, facekit/vue and facekit/svelte type an app\'s props and events', () => {
    // The frameworks' own types, from the workspace (the scratch app installs offline).
    for (const name of ['@types/react', 'vue', 'svelte']) {
      mkdirSync(join(app, 'node_modules', name, '..'), { recursive: true });
      symlinkSync(realpathSync(resolve(ROOT, 'packages/web/node_modules', name)), join(app, 'node_modules', name));
    }
    writeFileSync(join(app, 'frameworks.ts'), `import type {} from 'facekit/react';
import type {} from 'facekit/vue';
import type {} from 'facekit/svelte';
import type { JSX } from 'react';
import type { GlobalComponents } from 'vue';
import type { SvelteHTMLElements } from 'svelte/elements';
const react: JSX.IntrinsicElements['facekit-verify'] = { mode: 'enroll', 'subject-id': 'me', 'onfacekit-verified': (e) => { const v: boolean = e.detail.verified; console.log(v); } };
// @ts-expect-error -- not a liveness mode
const reactBad: JSX.IntrinsicElements['facekit-verify'] = { liveness: 'bogus' };
const svelte: SvelteHTMLElements['facekit-verify'] = { mode: 'verify', 'asset-base-url': '/facekit/', 'onfacekit-enrolled': (e) => console.log(e.detail.frames) };
// @ts-expect-error -- an enrolled event has no similarity
const svelteBad: SvelteHTMLElements['facekit-verify'] = { 'onfacekit-enrolled': (e) => console.log(e.detail.similarity) };
type VueProps = InstanceType<GlobalComponents['facekit-verify']>['$props'];
const vue: VueProps = { subjectId: 'me', config: { kit: { pack: 'facekit_s' } }, onFacekitVerified: (e) => console.log(e.detail.similarity) };
export { react, reactBad, svelte, svelteBad, vue };
`);
    writeFileSync(join(app, 'tsconfig.frameworks.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2023', 'DOM'], strict: true, noEmit: true, skipLibCheck: true, types: [] },
      files: ['frameworks.ts'],
    }));
    run(resolve(ROOT, 'node_modules/.bin/tsc'), ['-p', join(app, 'tsconfig.frameworks.json')], app);
  });
});

interface Example { name: string; dir: string; check: string[] }

const EXAMPLES: Example[] = [
  { name: 'React', dir: 'examples/react-verify', check: ['tsc', '-p', '.'] },
  { name: 'Vue', dir: 'examples/vue-verify', check: ['vue-tsc', '-p', '.'] },
  { name: 'Svelte', dir: 'examples/svelte-verify', check: ['svelte-check', '--fail-on-warnings', '--output', 'machine'] },
];

for (const ex of EXAMPLES) {
  test(`the ${ex.name} example type-checks, builds with Vite, and enrolls then verifies through <facekit-verify>'s events`, async () => {
    test.setTimeout(240_000);
    const dir = resolve(ROOT, ex.dir);
    const bin = (name: string) => {
      const local = resolve(dir, 'node_modules/.bin', name);
      return readdirSync(resolve(dir, 'node_modules/.bin')).includes(name) ? local : resolve(ROOT, 'node_modules/.bin', name);
    };
    run(bin(ex.check[0]!), ex.check.slice(1), dir);
    const out = mkdtempSync(join(tmpdir(), `facekit-${ex.name.toLowerCase()}-`));
    // What `npx facekit assets public/facekit` gives the app: models/ and ort/ under /facekit/.
    const server = await (async () => {
      run(resolve(ROOT, 'node_modules/.bin/vite'), ['build', '--outDir', out, '--emptyOutDir', '--logLevel', 'error'], dir);
      return startStaticServer({ roots: { '/': out, '/facekit/models/': MODELS, '/facekit/ort/': ORT_DIST }, isolated: true });
    })();
    const cam = await openCameraPage(makeStream({ kind: 'still', image: 'images/ppu_uniface/image-kevin1.png', width: 1280, height: 720 }), { baseURL: server.url, path: '/' });
    try {
      const { page } = cam;
      const el = page.locator('facekit-verify');
      const result = page.locator('#result');
      await el.locator('button').click();
      await expect(result).toHaveText('enrolled me', { timeout: 120_000 });
      // The app switched the element to verify: the same still again is a match.
      await expect(el).toHaveAttribute('mode', 'verify');
      await el.locator('button').click();
      await expect(result).toHaveText('verified me', { timeout: 120_000 });
    } finally {
      await cam.close();
      await server.close();
      rmSync(out, { recursive: true, force: true });
    }
  });
}
