// The peer side of the benchmark: @vladmandic/human and @vladmandic/face-api, each on the
// tfjs wasm backend in headless Chromium, timed per frame on one decoded canvas. Everything
// (pages, libraries, models, wasm binaries, the frame) is served from this machine.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@facekit/test-support/config';
import { startStaticServer, type StaticServer } from '@facekit/test-support/static-server';
import { median, percentile } from '@facekit/test-support/browser-session';

export type PeerName = 'human' | 'face-api';
export type ThreadSetting = 'default' | 2;

export interface PeerResult {
  peer: PeerName;
  version: string;
  threads: ThreadSetting;
  /** What the tfjs wasm backend reports (getThreadsCount) once initialised. */
  threadsUsed: number | null;
  /** tf.getBackend() after loading: must be 'wasm'. */
  backend: string;
  simd?: boolean;
  /** tfjs' WASM_HAS_MULTITHREAD_SUPPORT: SharedArrayBuffer available (the page is crossOriginIsolated). */
  multithread?: boolean;
  /** The .wasm binary the page actually fetched. */
  wasmFile?: string;
  /** navigator.hardwareConcurrency as the page saw it (tfjs-wasm caps its pool at half of it). */
  hardwareConcurrency?: number;
  /** Set when the run emulated a higher navigator.hardwareConcurrency so that the requested count is not capped. */
  hardwareConcurrencyOverride?: number;
  /** Library import + backend init + model load + the first result. */
  loadMs: number;
  loadParts?: Record<string, number>;
  faces: number;
  embeddingLength: number;
  medianMs: number;
  p95Ms: number;
  times: number[];
  /** Console warnings and errors the page printed (deduplicated). */
  warnings?: string[];
  /** Human only: frames it served from its cache (must be 0). */
  cachedFrames?: number | null;
}

export interface BenchPeersOptions {
  /** Absolute path of the frame. */
  image: string;
  runs: number;
  warmup: number;
  onProgress?: (line: string) => void;
  /** Restrict to some peers / thread settings (default: all four configurations). */
  peers?: PeerName[];
  threads?: ThreadSetting[];
}

/** What the page's runBench returns (see pages/*.html). */
interface PageResult {
  version: string;
  backend: string;
  threadsUsed: number | null;
  simd?: boolean;
  multithread?: boolean;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  tfVersion: string | null;
  loadMs: number;
  loadParts: Record<string, number>;
  faces: number;
  embeddingLength: number;
  times: number[];
  cache?: { totalFrames: number | null; cachedFrames: number | null };
}

interface RunArgs { frameUrl: string; threads: ThreadSetting; warmup: number; runs: number; label: string }
type BenchWindow = Window & { runBench(a: RunArgs): Promise<PageResult>; benchReady?: boolean };

const PKG = resolve(import.meta.dirname, '..');
const modulesDir = (name: string) => resolve(PKG, 'node_modules', name);
const versionOf = (name: string) => (JSON.parse(readFileSync(resolve(modulesDir(name), 'package.json'), 'utf8')) as { version: string }).version;

export async function benchPeers(o: BenchPeersOptions): Promise<PeerResult[]> {
  const peers = o.peers ?? ['human', 'face-api'];
  const threadSettings = o.threads ?? ['default', 2];
  const wasmSeen: string[] = [];
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  const results: PeerResult[] = [];
  try {
    // Isolated (COOP/COEP) for every run: tfjs-wasm only starts threads when the page is
    // crossOriginIsolated, and the default run must get whatever the library would pick there.
    server = await startStaticServer({
      isolated: true,
      roots: {
        '/pages/': resolve(PKG, 'pages'),
        '/human/': modulesDir('@vladmandic/human'),
        '/face-api/': modulesDir('@vladmandic/face-api'),
        '/tfjs-wasm/': resolve(modulesDir('@tensorflow/tfjs-backend-wasm'), 'dist'),
        '/frame/': dirname(o.image),
      },
      onRequest: (path) => { if (path.endsWith('.wasm')) wasmSeen.push(path); },
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      // Belt and braces for "nothing from the internet": every host but ours fails to resolve.
      args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
      headless: true,
    });
    const origin = server.url;
    for (const peer of peers) {
      for (const threads of threadSettings) {
        const label = `${peer} threads=${threads}`;
        o.onProgress?.(`${label}: loading`);
        wasmSeen.length = 0;
        const requestsBefore = server.requests.length;
        // A fresh context per configuration: no shared HTTP cache, storage or tf state.
        const context = await browser.newContext();
        try {
          const page = await context.newPage();
          // tfjs-wasm 4.22 caps its thread pool at navigator.hardwareConcurrency / 2
          // (init_with_threads_count in tfjs-backend-wasm/src/cc/backend.cc), so on a 2-core
          // machine setThreadsCount(2) still yields 1 thread. Emulating enough logical cores lifts
          // the cap for the explicit-count run only; the default run sees the real value.
          const override = threads === 'default' || Math.floor(availableParallelism() / 2) >= threads ? undefined : threads * 2;
          if (override !== undefined) {
            const cdp = await context.newCDPSession(page);
            await cdp.send('Emulation.setHardwareConcurrencyOverride', { hardwareConcurrency: override });
          }
          const warnings = new Set<string>();
          const external: string[] = [];
          let pageError: Error | undefined;
          page.on('console', (m) => { if (m.type() === 'warning' || m.type() === 'error') warnings.add(`${m.type()}: ${m.text().slice(0, 300)}`); });
          page.on('pageerror', (e) => { pageError ??= e; });
          page.on('request', (r) => { const u = r.url(); if (/^https?:/.test(u) && !u.startsWith(origin)) external.push(u); });
          await page.exposeFunction('benchProgress', (line: string) => { o.onProgress?.(line); });
          await page.goto(`${origin}/pages/${peer}.html`);
          await page.waitForFunction(() => (window as unknown as BenchWindow).benchReady === true);
          const args: RunArgs = { frameUrl: `${origin}/frame/${encodeURIComponent(basename(o.image))}`, threads, warmup: o.warmup, runs: o.runs, label };
          const r = await page.evaluate((a) => (window as unknown as BenchWindow).runBench(a), args);
          if (pageError) throw new Error(`${label}: page error: ${pageError.message}`);
          if (external.length) throw new Error(`${label}: the page tried to fetch from outside: ${[...new Set(external)].join(', ')}`);
          if (r.backend !== 'wasm') throw new Error(`${label}: active tf backend is '${r.backend}', not 'wasm'`);
          if (!r.crossOriginIsolated) throw new Error(`${label}: page is not crossOriginIsolated`);
          if (r.cache?.cachedFrames) throw new Error(`${label}: ${r.cache.cachedFrames} of ${r.cache.totalFrames} frames came from Human's cache`);
          for (const q of server.requests.slice(requestsBefore)) if (q.status >= 400) warnings.add(`server: ${q.path} -> ${q.status}`);
          const wasmFile = [...new Set(wasmSeen.map((p) => basename(p)))].join(',');
          if (!wasmFile) throw new Error(`${label}: no .wasm binary was fetched from our server`);
          results.push({
            peer,
            version: peer === 'human' ? versionOf('@vladmandic/human') : versionOf('@vladmandic/face-api'),
            threads,
            threadsUsed: r.threadsUsed,
            backend: r.backend,
            ...(r.simd === undefined ? {} : { simd: r.simd }),
            ...(r.multithread === undefined ? {} : { multithread: r.multithread }),
            wasmFile,
            hardwareConcurrency: r.hardwareConcurrency,
            ...(override === undefined ? {} : { hardwareConcurrencyOverride: override }),
            loadMs: r.loadMs,
            loadParts: r.loadParts,
            faces: r.faces,
            embeddingLength: r.embeddingLength,
            medianMs: median(r.times),
            p95Ms: percentile(r.times, 95),
            times: r.times,
            ...(warnings.size ? { warnings: [...warnings] } : {}),
            ...(r.cache ? { cachedFrames: r.cache.cachedFrames } : {}),
          });
          // The npm version is what we report; a mismatch would mean the page loaded another build.
          const last = results.at(-1)!;
          if (peer === 'human' && r.version !== last.version) throw new Error(`${label}: page reports version ${r.version}, package.json ${last.version}`);
        } finally {
          await context.close();
        }
      }
    }
    return results;
  } finally {
    await browser?.close();
    await server?.close();
  }
}
