// Builds the demo as one folder for any static host, under any base path:
//   pnpm build:site [--out <dir>] [--no-samples]
// writes (default .cache/site, git-ignored):
//   *.html, assets/       the demo pages (Verify, Photo, Embed, Bench; not the test harness) with
//                         relative URLs, onnxruntime-web's JS and .wasm as Vite emits them
//   coi-serviceworker.js  adds COOP/COEP where the host cannot send them (GitHub Pages and most
//                         static hosts), so the pages are cross-origin isolated (threads) after one reload
//   models/               the models the pages can load, from the local model folder
//                         ($FACEKIT_MODELS, else models/files: `pnpm models` fills it), SHA-256 checked
//   samples/              three sample photos for the Photo page, copied from ../shared/data
//                         ($FACEKIT_SHARED/data); --no-samples leaves them out (for a public site)
//   NOTICE.txt            what the folder is for, each model's licence, the photos' origin
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build as esbuild } from 'esbuild';
import { build as viteBuild, loadConfigFromFile, type UserConfig } from 'vite';
import { fillModelFolder } from '@facekit/core/node/fill-model-folder';
import {
  DEFAULT_SITE_DIR, SAMPLE_PHOTOS, SERVICE_WORKER_FILE, noticeText, sampleCopies, samplesManifest, siteModels, withIsolationScript,
} from './site-files.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const { values: args } = parseArgs({ options: { out: { type: 'string' }, 'no-samples': { type: 'boolean' } } });
const out = resolve(ROOT, args.out ?? DEFAULT_SITE_DIR);
const modelDir = resolve(process.env.FACEKIT_MODELS ?? resolve(ROOT, 'models/files'));
const dataDir = resolve(process.env.FACEKIT_SHARED ?? resolve(ROOT, '../shared'), 'data');
const samples = args['no-samples'] ? [] : SAMPLE_PHOTOS;

function fail(message: string): never {
  console.error(`build:site: ${message}`);
  process.exit(1);
}

// Check the inputs first: a missing photo should not cost a whole Vite build.
const copies = sampleCopies(dataDir, samples);
const absent = copies.filter((c) => !existsSync(c.from)).map((c) => c.from);
if (absent.length) fail(`sample photos not found: ${absent.join(', ')}. Set FACEKIT_SHARED, or build with --no-samples.`);

// 1. The pages: the demo's own Vite config, with relative URLs and without the test harness.
// The repository's vite.config.ts, read by path (the demo does not import the repository root).
const loaded = await loadConfigFromFile({ command: 'build', mode: 'production' }, resolve(ROOT, 'vite.config.ts'));
if (!loaded) fail('vite.config.ts could not be read');
const config: UserConfig = loaded.config;
const { harness: _harness, ...pages } = config.build?.rollupOptions?.input as Record<string, string>;
// The bundler's slow-plugin report is noise here (it measures the machine's load, not the site).
await viteBuild({
  ...config,
  configFile: false,
  base: './',
  logLevel: 'warn',
  build: { ...config.build, outDir: out, emptyOutDir: true, rollupOptions: { ...config.build?.rollupOptions, input: pages, checks: { bundlerTimings: false } } },
});

// 2. The isolation service worker, and the <script> in every page that registers it.
await esbuild({
  entryPoints: [resolve(ROOT, 'demo/src/site/coi-serviceworker.ts')],
  outfile: join(out, SERVICE_WORKER_FILE),
  bundle: true,
  format: 'iife',
  target: 'es2020',
  logLevel: 'warning',
});
for (const name of readdirSync(out).filter((f) => f.endsWith('.html'))) {
  const file = join(out, name);
  writeFileSync(file, withIsolationScript(readFileSync(file, 'utf8')));
}

// 3. The models, each checked against the registry's SHA-256.
const models = siteModels();
const report = await fillModelFolder({ outDir: join(out, 'models'), models, fromDir: modelDir, required: true, log: () => {} });
if (report.failed) {
  const missing = report.results.filter((r) => r.status === 'missing').map((r) => `${r.spec.id}: ${r.error?.message ?? 'missing'}`);
  fail(`models missing or corrupt in ${modelDir} (run \`pnpm models\`):\n  ${missing.join('\n  ')}`);
}

// 4. The sample photos and their list, and the notice.
if (copies.length) {
  mkdirSync(join(out, 'samples'), { recursive: true });
  for (const c of copies) {
    copyFileSync(c.from, join(out, c.to));
    chmodSync(join(out, c.to), 0o644); // the shared copies are read-only: keep the site's files writable
  }
  writeFileSync(join(out, 'samples/samples.json'), samplesManifest(samples));
}
writeFileSync(join(out, 'NOTICE.txt'), noticeText(models, samples));

const size = (dir: string): number => readdirSync(dir, { withFileTypes: true })
  .reduce((sum, e) => sum + (e.isDirectory() ? size(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);
console.log(`build:site: ${out} (${(size(out) / 1e6).toFixed(0)} MB: pages, runtime, ${models.length} models, ${copies.length} sample photos)`);
