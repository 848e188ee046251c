// Builds and serves the static demo (demo/), which bundles the facekit library from the
// workspace. Model files come from the local model folder (models/files, filled by
// `models/fetch-models.ts`) at /models/; they are never copied into the build.
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Connect, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const modelDir = resolve(process.env.FACEKIT_MODELS ?? resolve(root, 'models/files'));
// Test data is served only when asked for (e2e, eval, bench): never part of the demo.
const dataDir = process.env.FACEKIT_SERVE_DATA ? resolve(process.env.FACEKIT_SERVE_DATA) : undefined;
// The Photo page's sample photos, from shared/data as `pnpm build:site` copies them, when it is there.
const sharedDataDir = resolve(process.env.FACEKIT_SHARED ?? resolve(root, '../shared'), 'data');
// FACEKIT_COI=0 serves without cross-origin isolation (tests of the 1-thread fallback).
const isolated = process.env.FACEKIT_COI !== '0';

const TYPES: Record<string, string> = { '.onnx': 'application/octet-stream', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.txt': 'text/plain' };

function serveFolder(prefix: string, dir: string): Connect.NextHandleFunction {
  return (req, res, next) => {
    const url = req.url?.split('?')[0] ?? '';
    if (!url.startsWith(prefix)) return next();
    const file = resolve(dir, decodeURIComponent(url.slice(prefix.length)));
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    res.setHeader('Content-Type', TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream');
    res.setHeader('Content-Length', statSync(file).size);
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('Cache-Control', 'no-cache');
    createReadStream(file).pipe(res);
  };
}

/** samples/samples.json and samples/<file>, as the static site has them, read from shared/data (none when it is absent). */
function serveSamples(): Connect.NextHandleFunction {
  // The list `pnpm build:site` copies (demo/src/site/sample-photos.json); the page reads file, label and credit.
  const listed = JSON.parse(readFileSync(resolve(root, 'demo/src/site/sample-photos.json'), 'utf8')) as { from: string; file: string }[];
  const photos = listed.filter((s) => existsSync(resolve(sharedDataDir, s.from)));
  const files = new Map(photos.map((s) => [`/samples/${s.file}`, resolve(sharedDataDir, s.from)]));
  return (req, res, next) => {
    const url = req.url?.split('?')[0] ?? '';
    if (url !== '/samples/samples.json' && !files.has(url)) return next();
    if (url === '/samples/samples.json') {
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Cache-Control', 'no-cache');
      res.end(JSON.stringify({ samples: photos }));
      return;
    }
    const file = files.get(url)!;
    res.setHeader('Content-Type', TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream');
    res.setHeader('Content-Length', statSync(file).size);
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    createReadStream(file).pipe(res);
  };
}

function localFolders(): Plugin {
  const install = (middlewares: Connect.Server) => {
    middlewares.use(serveFolder('/models/', modelDir));
    middlewares.use(serveSamples());
    if (dataDir) middlewares.use(serveFolder('/__data/', dataDir));
  };
  return {
    name: 'facekit-local-folders',
    configureServer: (server) => install(server.middlewares),
    configurePreviewServer: (server) => install(server.middlewares),
  };
}

const headers: Record<string, string> = isolated
  ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
  : {};

export default defineConfig({
  root: resolve(root, 'demo'),
  plugins: [localFolders()],
  server: { host: '127.0.0.1', headers, fs: { allow: [root] } },
  preview: { host: '127.0.0.1', headers },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  worker: { format: 'es' },
  build: {
    outDir: resolve(root, 'demo/dist'),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: { index: resolve(root, 'demo/index.html'), photo: resolve(root, 'demo/photo.html'), embed: resolve(root, 'demo/embed.html'), bench: resolve(root, 'demo/bench.html'), harness: resolve(root, 'demo/harness.html') },
    },
  },
});
