// The published package, as another app uses it: `pnpm pack` → a scratch app outside the
// workspace installs the tarball and builds with Vite (the workspace's Vite binary, so no
// download), served with and without cross-origin isolation and with the models on a second
// origin; and the same tarball from a plain HTML page with no bundler.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ROOT, SHARED_DIR } from '@facekit/test-support/config';
import { openCameraPage } from './fake-camera.js';
import { startStaticServer, type StaticServer } from '@facekit/test-support/static-server';
import { makeStream } from '@facekit/test-support/streams';

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
window.step = 'loaded';
window.run = async (modelBaseUrl, a, b, c) => {
  window.step = 'createFaceKit';
  const kit = await createFaceKit({ modelBaseUrl, onProgress: (p) => { window.step = 'model ' + p.file + ' ' + p.status + ' ' + p.loaded + '/' + p.total; } });
  const embed = async (u) => {
    window.step = 'fetch ' + u;
    const blob = await (await fetch(u)).blob();
    window.step = 'analyze ' + u;
    // Gender loads the worker's lazily imported head file: the bundled app must serve it.
    return (await kit.analyze(blob, { attributes: ['gender'] })).faces;
  };
  const [fa, fb, fc] = [await embed(a), await embed(b), await embed(c)];
  window.step = 'dispose';
  const out = {
    faces: [fa.length, fb.length, fc.length], info: kit.info, genders: [fa[0].attributes.gender.label, fc[0].attributes.gender.label],
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
  window.step = 'loaded';
  window.run = async (base, a) => {
    // '/facekit/': the folder \`npx facekit assets\` filled (models and runtime); else a model folder.
    window.step = 'createFaceKit';
    const kit = await createFaceKit(base === '/facekit/' ? { assetBaseUrl: base } : { modelBaseUrl: base });
    window.step = 'detect ' + a;
    const blob = await (await fetch(a)).blob();
    const d = await kit.detect(blob);
    // With a full model folder, also gender: the worker imports its head file from beside itself.
    const genders = base === '/facekit/' ? undefined : [(await kit.analyze(blob, { attributes: ['gender'] })).faces[0].attributes.gender.label];
    window.step = 'dispose';
    const out = { faces: [d.faces.length], info: kit.info, genders };
    await kit.dispose();
    return out;
  };
  window.ready = true;
</script>`);
  // <facekit-verify> on a plain page: mode and subject from the query string, events collected.
  mkdirSync(join(app, 'element'));
  writeFileSync(join(app, 'element/index.html'), `<!doctype html><meta charset="utf-8"><title>element</title>
<facekit-verify asset-base-url="/facekit/" liveness="passive"></facekit-verify>
<script type="module" src="./main.js"></script>`);
  writeFileSync(join(app, 'element/main.js'), `import { defineFaceKitVerify } from '/node_modules/facekit/dist/facekit.js';
defineFaceKitVerify();
const q = new URLSearchParams(location.search);
const el = document.querySelector('facekit-verify');
el.setAttribute('mode', q.get('mode'));
el.setAttribute('subject-id', q.get('id'));
if (q.get('liveness')) el.setAttribute('liveness', q.get('liveness'));
window.events = [];
for (const type of ['facekit-enrolled', 'facekit-verified', 'facekit-hint', 'facekit-error']) el.addEventListener(type, (e) => window.events.push({ type, detail: e.detail }));
window.ready = true;
`);
  execFileSync('npx', ['--no-install', 'facekit', 'assets', 'element/facekit', '--models', 'minifasnet_v2,minifasnet_v1se,fr_eye', '--from', resolve(SHARED_DIR, 'models')], { cwd: app, stdio: 'pipe' });
});
test.afterAll(() => { if (app) rmSync(app, { recursive: true, force: true }); });

const PHOTOS = ['/img/faceonnx/verification/nicole_1.jpg', '/img/faceonnx/verification/nicole_2.jpg', '/img/faceonnx/verification/brad_1.jpg'];

interface AppResult { faces: number[]; info: { crossOriginIsolated: boolean; threadsPerWorker: number }; same?: boolean; different?: boolean; genders?: string[] }

/**
 * Opens the app and runs it on the photos. Should anything stall, it fails within `deadlineMs`
 * saying at which step, with the page's console and every request each server saw and how it ended.
 */
async function runApp(page: Page, server: StaticServer, modelBaseUrl: string, also: StaticServer[] = [], deadlineMs = 90_000): Promise<AppResult> {
  const log: string[] = [];
  page.on('console', (m) => log.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => log.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  const work = (async () => {
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    return page.evaluate(([m, ...p]) => (window as unknown as { run(...a: string[]): Promise<AppResult> }).run(m!, ...p), [modelBaseUrl, ...PHOTOS]);
  })();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void page.evaluate(() => (window as unknown as { step?: string }).step).catch(() => 'unknown').then((step) => {
        const served = [server, ...also].map((s) => `${s.url}:\n${s.requests.map((q) => `  ${q.path} → ${q.status} ${q.outcome}`).join('\n')}`);
        reject(new Error(`the app did not finish within ${deadlineMs} ms, at step: ${step}\n${log.join('\n')}\n${served.join('\n')}`));
      });
    }, deadlineMs);
  });
  try {
    return await Promise.race([work, stalled]);
  } finally {
    clearTimeout(timer);
  }
}

for (const isolated of [true, false]) {
  test(`a Vite app with the packed tarball detects and verifies, ${isolated ? 'cross-origin isolated (threads)' : 'not isolated (1 thread)'}`, async ({ page }) => {
    const server = await startStaticServer({ roots: { '/': join(app, 'dist'), '/models/': MODELS, '/img/': IMAGES }, isolated });
    try {
      const r = await runApp(page, server, '/models/');
      expect(r.faces).toEqual([1, 1, 1]);
      expect(r.genders).toEqual(['female', 'male']);
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
    const r = await runApp(page, server, `${models.url}/models/`, [models]);
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
    expect(r.genders).toEqual(['female']);
    expect(r.info.crossOriginIsolated).toBe(true);
  } finally {
    await server.close();
  }
});

test('imported from a CDN-style second origin (a plain module page): the worker starts through a same-origin Blob, the runtime comes from the CDN', async ({ page }) => {
  // The "CDN": the installed package's folder on another origin, with CORS and CORP, as jsDelivr,
  // unpkg and esm.sh serve it. The page's origin serves only the page, the models and the photos.
  const cdn = await startStaticServer({ roots: { '/npm/facekit@0.1.0/': join(app, 'node_modules/facekit') }, cors: true });
  mkdirSync(join(app, 'cdn'), { recursive: true });
  writeFileSync(join(app, 'cdn/index.html'), `<!doctype html><meta charset="utf-8"><title>cdn</title>
<script type="module">
  import { createFaceKit } from '${cdn.url}/npm/facekit@0.1.0/dist/facekit.js';
  window.step = 'loaded';
  window.run = async (modelBaseUrl, a) => {
    window.step = 'createFaceKit';
    const kit = await createFaceKit({ modelBaseUrl });
    window.step = 'detect ' + a;
    const d = await kit.detect(await (await fetch(a)).blob());
    const out = { faces: [d.faces.length], info: kit.info };
    await kit.dispose();
    return out;
  };
  window.ready = true;
</script>`);
  const server = await startStaticServer({ roots: { '/': join(app, 'cdn'), '/models/': MODELS, '/img/': IMAGES }, isolated: true });
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  try {
    const r = await runApp(page, server, '/models/', [cdn]);
    expect(r.faces).toEqual([1]);
    expect(r.info.crossOriginIsolated).toBe(true);
    // The worker is a Blob of the page's origin; its script, chunks and the runtime came from the CDN.
    expect(workers.some((u) => u.startsWith(`blob:${server.url}/`))).toBe(true);
    const fromCdn = cdn.requests.map((q) => q.path);
    expect(fromCdn).toContain('GET /npm/facekit@0.1.0/dist/worker.js');
    expect(fromCdn.some((p) => /\/dist\/ort\/ort-wasm-simd-threaded\.wasm$/.test(p))).toBe(true);
    expect(server.requests.filter((q) => /\.(m?js|wasm)$/.test(q.path))).toEqual([]);
  } finally {
    await server.close();
    await cdn.close();
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

interface ElementEvent { type: string; detail: Record<string, unknown> }

test('<facekit-verify> on a plain page: enroll from the camera, then verify the same person (match) and another (no match), through its events', async () => {
  test.setTimeout(300_000);
  const server = await startStaticServer({ roots: { '/': join(app, 'element'), '/node_modules/': join(app, 'node_modules') }, isolated: true });
  const profile = mkdtempSync(join(tmpdir(), 'facekit-element-'));
  // One camera stream per browser launch; the profile (IndexedDB: the template) is shared.
  const run = async (photo: string, mode: 'enroll' | 'verify', o: { fit?: 'contain' | 'cover'; liveness?: string } = {}) => {
    const stream = makeStream({ kind: 'still', image: photo, width: 1280, height: 720, fit: o.fit ?? 'contain' });
    const cam = await openCameraPage(stream, { userDataDir: profile, baseURL: server.url, path: `/?mode=${mode}&id=kevin${o.liveness ? `&liveness=${o.liveness}` : ''}` });
    try {
      const { page } = cam;
      await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
      const el = page.locator('facekit-verify');
      await expect(el.locator('[part=status]')).toHaveText('Press Start to use your camera. Nothing leaves this device.');
      // Localisable: the messages attribute (JSON) replaces texts; removing it restores English.
      await el.evaluate((e) => e.setAttribute('messages', JSON.stringify({ idle: 'Appuyez sur Démarrer.', start: 'Démarrer' })));
      await expect(el.locator('[part=status]')).toHaveText('Appuyez sur Démarrer.');
      await expect(el.locator('button')).toHaveText('Démarrer');
      await el.evaluate((e) => e.removeAttribute('messages'));
      await expect(el.locator('button')).toHaveText('Start');
      // Keyboard: focus the element's button and press Enter.
      await el.locator('button').focus();
      await page.keyboard.press('Enter');
      const want = mode === 'enroll' ? 'facekit-enrolled' : 'facekit-verified';
      await page.waitForFunction((t) => (window as unknown as { events: ElementEvent[] }).events.some((e) => e.type === t || e.type === 'facekit-error'), want, { timeout: 120_000 });
      const events = await page.evaluate(() => (window as unknown as { events: ElementEvent[] }).events);
      return { events, status: await el.locator('[part=status]').textContent(), state: await el.getAttribute('data-state') };
    } finally {
      await cam.close();
    }
  };
  try {
    const enrolled = await run('images/ppu_uniface/image-kevin1.png', 'enroll');
    expect(enrolled.events.filter((e) => e.type === 'facekit-error')).toEqual([]);
    const done = enrolled.events.find((e) => e.type === 'facekit-enrolled')!;
    expect(done.detail).toMatchObject({ id: 'kevin', frames: 5 });
    expect(done.detail.livenessScore).toBeGreaterThan(0.5);
    expect(enrolled.events.some((e) => e.type === 'facekit-hint')).toBe(true);
    expect(enrolled.status).toBe('Enrolled as kevin.');
    expect(enrolled.state).toBe('success');

    // kevin2 is a wider shot: cropped to fill the frame, his eyes are 64 px apart (≥ 60). Replayed
    // as a camera it reads as not live to MiniFASNet, so the verify runs compare faces only
    // (liveness="off"); enrollment above ran with passive liveness.
    const same = await run('images/ppu_uniface/image-kevin2.jpg', 'verify', { fit: 'cover', liveness: 'off' });
    expect(same.events.filter((e) => e.type === 'facekit-error')).toEqual([]);
    const v1 = same.events.find((e) => e.type === 'facekit-verified')!;
    expect(v1.detail).toMatchObject({ id: 'kevin', verified: true, reasons: [], isMatch: true, live: true });
    expect(v1.detail.similarity).toBeGreaterThan(v1.detail.threshold as number);
    expect(same.status).toBe('Verified: this is kevin.');

    const other = await run('images/ppu_uniface/image-magnus1.png', 'verify', { liveness: 'off' });
    expect(other.events.filter((e) => e.type === 'facekit-error')).toEqual([]);
    const v2 = other.events.find((e) => e.type === 'facekit-verified')!;
    expect(v2.detail).toMatchObject({ id: 'kevin', verified: false, isMatch: false });
    expect(v2.detail.reasons).toContain('no-match');
    expect(other.status).toBe('Not verified: this does not look like kevin.');
    expect(other.state).toBe('failure');
  } finally {
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test('the README\'s "Embed facekit in your app" example, as written: its commands, then its page enrolls and verifies from the camera', async () => {
  test.setTimeout(300_000);
  const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
  const example = /<!-- embed-example:start -->([\s\S]*?)<!-- embed-example:end -->/.exec(readme)![1]!;
  const bash = /```bash\n([\s\S]*?)```/.exec(example)![1]!.trim().split('\n');
  const html = /```html\n([\s\S]*?)```/.exec(example)![1]!;
  const dir = mkdtempSync(join(tmpdir(), 'facekit-readme-'));
  const tarball = join(app, readdirSync(app).find((f) => f.endsWith('.tgz'))!);
  try {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'readme-example', private: true }));
    for (const line of bash) {
      // Offline here: "facekit" is the packed tarball (what npm would download), the models come from shared/models.
      const [cmd, ...args] = line.split(' ');
      const real = line === 'npm install facekit' ? ['install', '--offline', '--no-audit', '--no-fund', tarball] : args[0] === 'facekit' ? ['--no-install', ...args, '--from', resolve(SHARED_DIR, 'models')] : args;
      execFileSync(cmd!, real, { cwd: dir, stdio: 'pipe' });
    }
    writeFileSync(join(dir, 'index.html'), html);
    const server = await startStaticServer({ roots: { '/': dir }, isolated: true });
    const cam = await openCameraPage(makeStream({ kind: 'still', image: 'images/ppu_uniface/image-kevin1.png', width: 1280, height: 720 }), { baseURL: server.url, path: '/' });
    try {
      const logs: string[] = [];
      cam.page.on('console', (m) => logs.push(m.text()));
      const button = cam.page.locator('facekit-verify').locator('button');
      await button.click();
      await expect.poll(() => logs.find((l) => l.startsWith('enrolled')), { timeout: 120_000 }).toBe('enrolled me');
      await expect(cam.page.locator('facekit-verify')).toHaveAttribute('mode', 'verify');
      await button.click();
      await expect.poll(() => logs.find((l) => l.startsWith('verified') || l.startsWith('not verified')), { timeout: 120_000 }).toMatch(/^verified [01]\.\d+/); // the same still as enrolled: similarity ≈ 1
    } finally {
      await cam.close();
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the tarball carries the MIT LICENSE that package.json declares, which says the model weights are not covered', () => {
  const pkgDir = join(app, 'node_modules/facekit');
  expect((JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { license: string }).license).toBe('MIT');
  expect(readFileSync(join(pkgDir, 'LICENSE'), 'utf8')).toMatch(/^MIT License[\s\S]*does not cover the model weights/);
});

test('the package\'s types: a strict TypeScript app compiles against the installed tarball (skipLibCheck off)', () => {
  writeFileSync(join(app, 'typed.ts'), `import { createFaceKit, defineFaceKitVerify, type FaceAttributes, type FaceKitVerifiedDetail, type VerifyResult } from 'facekit';
const kit = await createFaceKit({ assetBaseUrl: '/facekit/' });
const a = await kit.analyze(new Blob(), { attributes: ['age', 'gender'] });
const attrs: FaceAttributes | undefined = a.faces[0]?.attributes;
const age: number | undefined = attrs?.age;
defineFaceKitVerify();
const el = document.createElement('facekit-verify');
el.addEventListener('facekit-verified', (e) => { const d: FaceKitVerifiedDetail = e.detail; console.log(d.isMatch, age); });
export type { VerifyResult };
`);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2023', 'DOM'], strict: true, noEmit: true, skipLibCheck: false, types: [] },
    files: ['typed.ts'],
  }));
  execFileSync(resolve(ROOT, 'node_modules/.bin/tsc'), ['-p', join(app, 'tsconfig.json')], { cwd: app, stdio: 'pipe' });
});
