// The peer side of the benchmark: @vladmandic/human and @vladmandic/face-api, each on the
// tfjs wasm backend in headless Chromium, timed per frame on one decoded canvas. Everything
// (pages, libraries, models, wasm binaries, the frame) is served from this machine.
import { availableParallelism } from 'node:os';
import { basename, dirname } from 'node:path';
import { median, percentile } from '@facekit/test-support/browser-session';
import { openPeerPage, versionOf, withPeerSession } from './peer-browser.js';

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
type BenchWindow = Window & { runBench(a: RunArgs): Promise<PageResult> };

export async function benchPeers(o: BenchPeersOptions): Promise<PeerResult[]> {
  const peers = o.peers ?? ['human', 'face-api'];
  const threadSettings = o.threads ?? ['default', 2];
  return withPeerSession({ '/frame/': dirname(o.image) }, async (session) => {
    const results: PeerResult[] = [];
    for (const peer of peers) {
      for (const threads of threadSettings) {
        const label = `${peer} threads=${threads}`;
        o.onProgress?.(`${label}: loading`);
        // tfjs-wasm 4.22 caps its thread pool at navigator.hardwareConcurrency / 2
        // (init_with_threads_count in tfjs-backend-wasm/src/cc/backend.cc), so on a 2-core
        // machine setThreadsCount(2) still yields 1 thread. Emulating enough logical cores lifts
        // the cap for the explicit-count run only; the default run sees the real value.
        const override = threads === 'default' || Math.floor(availableParallelism() / 2) >= threads ? undefined : threads * 2;
        // A fresh context per configuration: no shared HTTP cache, storage or tf state.
        const p = await openPeerPage(session, `/pages/${peer}.html`, { ...(override === undefined ? {} : { hardwareConcurrencyOverride: override }), ...(o.onProgress ? { onProgress: o.onProgress } : {}) });
        try {
          const args: RunArgs = { frameUrl: `${session.origin}/frame/${encodeURIComponent(basename(o.image))}`, threads, warmup: o.warmup, runs: o.runs, label };
          const r = await p.page.evaluate((a) => (window as unknown as BenchWindow).runBench(a), args);
          p.assertClean(label);
          if (r.backend !== 'wasm') throw new Error(`${label}: active tf backend is '${r.backend}', not 'wasm'`);
          if (!r.crossOriginIsolated) throw new Error(`${label}: page is not crossOriginIsolated`);
          if (r.cache?.cachedFrames) throw new Error(`${label}: ${r.cache.cachedFrames} of ${r.cache.totalFrames} frames came from Human's cache`);
          p.noteFailedRequests();
          const wasmFile = p.wasmFile();
          if (!wasmFile) throw new Error(`${label}: no .wasm binary was fetched from our server`);
          const warnings = p.warnings;
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
          await p.context.close();
        }
      }
    }
    return results;
  });
}
