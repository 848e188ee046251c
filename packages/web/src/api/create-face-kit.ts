import { getModel, resolveDetectOptions, type ModelSpec } from '@facekit/core';
import { proxy } from 'comlink';
import { AbortedError, DisposedError, InvalidOptionError } from './errors.js';
import type { DetectCallOptions, FaceKitOptions } from './options.js';
import type { Detection, FaceKitInfo, ProgressEvent } from './types.js';
import { toWorkerImage, transferablesOf, type ImageInput } from '../media/input.js';
import { createWorkerPool, unwrapReply, type WorkerPool } from '../pool/worker-pool.js';
import { resolveBackend, resolveThreads } from '../runtime/backend.js';
import { openModelCache, type CachedModel } from '../store/model-cache.js';
import type { ModelFileProgress } from '../store/model-store.js';
import { transfer } from 'comlink';

export interface FaceKit {
  /** Backend, threads and why they were chosen. */
  readonly info: FaceKitInfo;
  /** Detects faces; boxes and keypoints are in the image's pixels. */
  detect(image: ImageInput, options?: DetectCallOptions): Promise<Detection>;
  /** Model files in this kit's IndexedDB cache. */
  listCached(): Promise<CachedModel[]>;
  /** Empties this kit's model cache (loaded models keep working). */
  clearCache(): Promise<void>;
  /** Terminates the workers and releases their sessions. Calls after this throw DisposedError. */
  dispose(): Promise<void>;
}

function modelOption(id: string, what: string): ModelSpec {
  try {
    return getModel(id);
  } catch (e) {
    throw new InvalidOptionError(`${what}: ${(e as Error).message}`);
  }
}

function positiveInt(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > 64) throw new InvalidOptionError(`${name} must be an integer from 1 to 64, got ${value}`);
  return value;
}

function baseUrl(url: string | undefined): string {
  const base = (globalThis as { document?: { baseURI: string } }).document?.baseURI ?? globalThis.location?.href;
  const u = new URL(url ?? './models/', base);
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u.href;
}

/**
 * Starts a FaceKit: probes the backend, spawns the workers, and loads the detector (from the
 * IndexedDB cache, or downloaded, checked and cached). Rejects with a typed error if any of
 * that fails; nothing is left running then.
 */
export async function createFaceKit(options: FaceKitOptions = {}): Promise<FaceKit> {
  const detector = modelOption(options.detector ?? 'det_500m', 'detector');
  if (detector.task !== 'detection') throw new InvalidOptionError(`detector: "${detector.id}" is a ${detector.task} model, not a face detector`);
  const workers = positiveInt(options.workers, 'workers', 1);
  const requestedThreads = options.threadsPerWorker === undefined ? undefined : positiveInt(options.threadsPerWorker, 'threadsPerWorker', 1);
  const cacheName = options.cacheName ?? 'facekit';
  const modelBase = baseUrl(options.modelBaseUrl);
  if (options.signal?.aborted) throw new AbortedError();

  const choice = await resolveBackend(options.backend ?? 'auto');
  const isolated = globalThis.crossOriginIsolated === true;
  const threads = resolveThreads(requestedThreads, workers, isolated, globalThis.navigator?.hardwareConcurrency ?? 1);

  // Progress of this load, summed over files.
  const fileProgress = new Map<string, { loaded: number; total: number }>();
  const models = [detector];
  const report = (p: ModelFileProgress) => {
    fileProgress.set(p.model, { loaded: p.loaded, total: p.total });
    let overallLoaded = 0, overallTotal = 0;
    for (const m of models) {
      const f = fileProgress.get(m.id);
      overallLoaded += f?.loaded ?? 0;
      overallTotal += f?.total || m.bytes || 0;
    }
    const event: ProgressEvent = { ...p, overallLoaded, overallTotal };
    options.onProgress?.(event);
  };

  const pool: WorkerPool = createWorkerPool({
    size: workers,
    spawn: () => new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'facekit' }),
    prepare: async (w) => {
      unwrapReply(await w.remote.init({ backend: choice.backend, threads: threads.threads, cacheName, ...(options.wasmPaths ? { wasmPaths: options.wasmPaths } : {}) }));
      for (const spec of models) {
        // Only the first worker reports progress: the others read the cache it filled.
        const onProgress = w.index === 0 && options.onProgress ? proxy(report) : undefined;
        unwrapReply(await w.remote.loadModel({ spec, url: new URL(spec.file, modelBase).href }, onProgress));
      }
    },
  });

  try {
    const abort = new Promise<never>((_, reject) => options.signal?.addEventListener('abort', () => reject(new AbortedError()), { once: true }));
    abort.catch(() => undefined);
    await Promise.race([pool.ready(), abort]);
  } catch (e) {
    await pool.dispose();
    throw e;
  }

  const info: FaceKitInfo = Object.freeze({
    backend: choice.backend,
    backendReason: choice.reason,
    ...(choice.adapter ? { adapter: choice.adapter } : {}),
    workers,
    threadsPerWorker: threads.threads,
    threadsReason: threads.reason,
    crossOriginIsolated: isolated,
    detector: detector.id,
  });
  const cache = openModelCache(cacheName);
  let disposed = false;

  return {
    info,
    async detect(image, callOptions = {}) {
      if (disposed) throw new DisposedError();
      const { signal, ...detectOptions } = callOptions;
      let resolved;
      try {
        resolved = resolveDetectOptions(detector, detectOptions);
      } catch (e) {
        throw new InvalidOptionError((e as Error).message);
      }
      const workerImage = await toWorkerImage(image);
      const closeBitmap = () => { if (workerImage.kind === 'bitmap') workerImage.bitmap.close(); };
      const reply = await pool.run(
        (remote) => remote.detect(transfer({ image: workerImage, detector: detector.id, options: resolved }, transferablesOf(workerImage))),
        { ...(signal ? { signal } : {}), onDropped: closeBitmap },
      );
      return {
        faces: reply.faces,
        width: reply.width,
        height: reply.height,
        inputSize: reply.inputWidth,
        retried: reply.retried,
        timings: { decode: reply.decodeMs, ...reply.timings },
      };
    },
    listCached: () => cache.list(),
    clearCache: () => cache.clear(),
    async dispose() {
      disposed = true;
      await pool.dispose();
    },
  };
}

/** Model files in the IndexedDB cache `cacheName`, without starting a FaceKit. */
export function listCachedModels(cacheName = 'facekit'): Promise<CachedModel[]> {
  return openModelCache(cacheName).list();
}

/** Empties the IndexedDB model cache `cacheName`. */
export function clearModelCache(cacheName = 'facekit'): Promise<void> {
  return openModelCache(cacheName).clear();
}
