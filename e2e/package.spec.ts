// The published package, as another app uses it: `pnpm pack` → a scratch app outside the
// workspace installs the tarball and builds with Vite (the workspace's Vite binary, so no
// download), served with and without cross-origin isolation and with the models on a second
// origin; and the same tarball from a plain HTML page with no bundler.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ROOT, SHARED_DIR } from './config.js';
import { startStaticServer, type StaticServer } from './static-server.js';

const MODELS = resolve(process.env.FACEKIT_MODELS ?? resolve(ROOT, 'models/files'));
const IMAGES = resolve(SHARED_DIR, 'data/images');

test.describe.configure({ mode: 'serial' });

let app: string;
test.beforeAll(() => {
  test.setTimeout(300_000);
  app = mkdtempSync(join(tmpdir(), 'facekit-app-'));
  // pack runs the package build (prepack).
  execFileSync('pnpm', ['pack', '--pack-destination', app], { cwd: resolve(ROOT, 'packages/web'), stdio: 'pipe' });
  const tarball = readdirSync(app).find((f) => f.endsWith('.tgz'))!;
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', join(app, tarball)], { cwd: app, stdio: 'pipe' });
  // The app: its page calls the SDK through window.run so the test can drive it.
  mkdirSync(join(app, 'src'));
  writeFileSync(join(app, 'src/index.html'), '<!doctype html><meta charset="utf-8"><title>scratch</title><script type="module" src="./main.js"></script>');
  writeFileSync(join(app, 'src/main.js'), `import { createFaceKit } from 'facekit';
window.violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));
window.run = async (modelBaseUrl, a, b, c) => {
  const kit = await createFaceKit({ modelBaseUrl });
  const embed = async (u) => (await kit.analyze(await (await fetch(u)).blob())).faces;
  const [fa, fb, fc] = [await embed(a), await embed(b), await embed(c)];
  const out = {
    faces: [fa.length, fb.length, fc.length], info: kit.info,
    same: kit.verify(fa[0].embedding, fb[0].embedding).isMatch, different: kit.verify(fa[0].embedding, fc[0].embedding).isMatch,
  };
  await kit.dispose();
  return out;
};
window.ready = true;
`);
  execFileSync(resolve(ROOT, 'node_modules/.bin/vite'), ['build', 'src', '--outDir', '../dist', '--emptyOutDir', '--logLevel', 'warn'], { cwd: app, stdio: 'pipe' });
  // No bundler: an HTML page importing the package's file directly.
  mkdirSync(join(app, 'plain'));
  writeFileSync(join(app, 'plain/index.html'), `<!doctype html><meta charset="utf-8"><title>plain</title>
<script type="module">
  import { createFaceKit } from '/node_modules/facekit/dist/facekit.js';
  window.run = async (base, a) => {
    // '/facekit/': the folder \`npx facekit assets\` filled (models and runtime); else a model folder.
    const kit = await createFaceKit(base === '/facekit/' ? { assetBaseUrl: base } : { modelBaseUrl: base });
    const d = await kit.detect(await (await fetch(a)).blob());
    const out = { faces: [d.faces.length], info: kit.info };
    await kit.dispose();
    return out;
  };
  window.ready = true;
</script>`);
});
test.afterAll(() => { if (app) rmSync(app, { recursive: true, force: true }); });

const PHOTOS = ['/img/faceonnx/verification/nicole_1.jpg', '/img/faceonnx/verification/nicole_2.jpg', '/img/faceonnx/verification/brad_1.jpg'];

async function runApp(page: Page, server: StaticServer, modelBaseUrl: string) {
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  return page.evaluate(([m, ...p]) => (window as unknown as { run(...a: string[]): Promise<{ faces: number[]; info: { crossOriginIsolated: boolean; threadsPerWorker: number }; same?: boolean; different?: boolean }> }).run(m!, ...p), [modelBaseUrl, ...PHOTOS]);
}

for (const isolated of [true, false]) {
  test(`a Vite app with the packed tarball detects and verifies, ${isolated ? 'cross-origin isolated (threads)' : 'not isolated (1 thread)'}`, async ({ page }) => {
    const server = await startStaticServer({ roots: { '/': join(app, 'dist'), '/models/': MODELS, '/img/': IMAGES }, isolated });
    try {
      const r = await runApp(page, server, '/models/');
      expect(r.faces).toEqual([1, 1, 1]);
      expect(r.same).toBe(true);
      expect(r.different).toBe(false);
      expect(r.info.crossOriginIsolated).toBe(isolated);
      if (!isolated) expect(r.info.threadsPerWorker).toBe(1);
    } finally {
      await server.close();
    }
  });
}

test('the models can come from another origin (CORS)', async ({ page }) => {
  // The app's own origin serves no models: every .onnx comes from the second one.
  const models = await startStaticServer({ roots: { '/models/': MODELS }, cors: true });
  const server = await startStaticServer({ roots: { '/': join(app, 'dist'), '/img/': IMAGES }, isolated: true });
  try {
    const r = await runApp(page, server, `${models.url}/models/`);
    expect(r.faces).toEqual([1, 1, 1]);
    expect(r.same).toBe(true);
  } finally {
    await server.close();
    await models.close();
  }
});

test('self-hosted assets: npx facekit assets fills a folder; assetBaseUrl reads the models and the runtime from it', async ({ page }) => {
  const out = execFileSync('npx', ['--no-install', 'facekit', 'assets', 'plain/facekit', '--pack', 'facekit_s', '--from', resolve(SHARED_DIR, 'models')], { cwd: app, encoding: 'utf8' });
  expect(out).toMatch(/fetched {2}det_500m/);
  expect(readdirSync(join(app, 'plain/facekit/models')).sort()).toEqual(['det_500m.onnx', 'fr_feature.onnx']);
  expect(readdirSync(join(app, 'plain/facekit/ort'))).toContain('ort-wasm-simd-threaded.wasm');
  const paths: string[] = [];
  const server = await startStaticServer({
    roots: { '/': join(app, 'plain'), '/node_modules/': join(app, 'node_modules'), '/img/': IMAGES }, isolated: true, onRequest: (p) => paths.push(p),
  });
  try {
    const r = await runApp(page, server, '/facekit/');
    expect(r.faces).toEqual([1]);
    expect(paths).toContain('/facekit/models/det_500m.onnx');
    expect(paths).toContain('/facekit/ort/ort-wasm-simd-threaded.wasm');
    expect(paths.filter((p) => p.endsWith('.wasm') && !p.startsWith('/facekit/'))).toEqual([]);
  } finally {
    await server.close();
  }
});

test('the same tarball from a plain HTML page, no bundler', async ({ page }) => {
  const server = await startStaticServer({ roots: { '/': join(app, 'plain'), '/node_modules/': join(app, 'node_modules'), '/models/': MODELS, '/img/': IMAGES }, isolated: true });
  try {
    const r = await runApp(page, server, '/models/');
    expect(r.faces).toEqual([1]);
    expect(r.info.crossOriginIsolated).toBe(true);
  } finally {
    await server.close();
  }
});

/** The policy the README documents as enough for facekit. */
const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; img-src 'self' blob: data:; style-src 'self'";

test('under a strict CSP (no unsafe-eval, no inline script) analyze runs with no violation reported', async ({ page }) => {
  const server = await startStaticServer({ roots: { '/': join(app, 'dist'), '/models/': MODELS, '/img/': IMAGES }, isolated: true, headers: { 'Content-Security-Policy': STRICT_CSP } });
  // Violations in the workers (facekit's and ORT's threads) reach the console, not the document.
  // (Without 'wasm-unsafe-eval' this test fails: ORT's WebAssembly compile is refused.)
  const consoleViolations: string[] = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) consoleViolations.push(m.text()); });
  try {
    const r = await runApp(page, server, '/models/');
    expect(r.faces).toEqual([1, 1, 1]);
    expect(r.same).toBe(true);
    expect(r.info.threadsPerWorker).toBeGreaterThanOrEqual(1);
    expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
    expect(consoleViolations).toEqual([]);
  } finally {
    await server.close();
  }
});
