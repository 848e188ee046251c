// createFaceKit wires the kit's modules together: resolved options, the backend, the worker
// pool, model loading, the still-image calls, the live loop and the verifier, and the stores.
import { ATTRIBUTE_KINDS, cosineSimilarity, createGallery, DEFAULT_LIVENESS_THRESHOLD, type AttributeKind } from '@facekit/core';
import { AbortedError, DisposedError } from '../errors.js';
import type { FaceKit } from './face-kit.js';
import { kitLicences, matchThreshold, noticeNonCommercial, resolveKitOptions } from './kit-options.js';
import { createModelLoader } from './model-loading.js';
import type { FaceKitOptions } from './options.js';
import { createStillImageCalls } from './still-image-calls.js';
import { attachTestHooks } from './test-hooks.js';
import type { FaceKitInfo } from './result-types.js';
import { createWorkerPool, unwrapReply } from '../pool/worker-pool.js';
import { startWorker } from '../pool/cross-origin-worker.js';
import { raceAbort } from '../pool/abort.js';
import { resolveBackend, resolveThreads } from '../runtime/backend.js';
import { clearAllData } from '../store/clear-all.js';
import { openGalleryStore } from '../store/gallery-store.js';
import { openModelCache, type CachedModel } from '../store/model-cache.js';
import { createFrameProcessor, planFrames } from '../video/frame-processor.js';
import { createFrameSource } from '../video/frame-source.js';
import { resolveLoopOptions, startVideoLoop } from '../video/video-loop.js';
import { createVerifier } from '../verifier/verifier.js';

export type { FaceKit, FaceLike } from './face-kit.js';
/** The worker by a path bundlers leave alone (they bundle the literal new Worker(new URL(…)) below): a CDN-hosted facekit's fallback. */
const WORKER_SCRIPT = '../worker/worker.ts';

/**
 * Starts a FaceKit: probes the backend, spawns the workers, and loads the detector (from the
 * IndexedDB cache, or downloaded, checked and cached). Rejects with a typed error if any of
 * that fails; nothing is left running then.
 */
export async function createFaceKit(options: FaceKitOptions = {}): Promise<FaceKit> {
  const o = resolveKitOptions(options);
  const { detector, recognizer, antispoof, eyeModel, attributeModels } = o.models;
  if (options.signal?.aborted) throw new AbortedError();
  const choice = await resolveBackend(options.backend ?? 'auto');
  const isolated = globalThis.crossOriginIsolated === true;
  const threads = resolveThreads(o.requestedThreads, o.workers, isolated, globalThis.navigator?.hardwareConcurrency ?? 1);

  // The backend new workers start on: WebGPU can be lost at run time, and the kit moves to WASM.
  let backend = choice.backend, backendReason = choice.reason;
  // What info reports about storage; a warning is kept once, however many workers report it.
  let storage: FaceKitInfo['storage'] = 'indexeddb';
  const warnings: string[] = [];
  const warn = (w: string) => { if (!warnings.includes(w)) warnings.push(w); };
  const loader = createModelLoader({
    modelBase: o.modelBase, initial: o.initial, warn, extend: (step) => pool.extend(step),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const pool = createWorkerPool({
    size: o.workers,
    maxQueue: o.maxQueue,
    onDeviceLost: (why) => {
      backend = 'wasm';
      warn(backendReason = `${why}: moved to WASM-SIMD (the calls in flight ran again there)`);
    },
    spawn: () => startWorker(() => new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'facekit' }), () => new URL(WORKER_SCRIPT, import.meta.url), { name: 'facekit' }),
    prepare: async (w) => {
      const ready = unwrapReply(await w.remote.init({ backend, threads: threads.threads, cacheName: o.cacheName, fetchPolicy: o.fetchPolicy, ...(o.wasmBase ? { wasmPaths: o.wasmBase } : {}) }));
      if (ready.storageProblem) {
        storage = 'memory';
        warn(`${ready.storageProblem}: models are kept in memory only and downloaded again by every new kit.`);
      }
      await loader.loadOn(o.initial)(w);
    },
  });
  try {
    await raceAbort(pool.ready(), options.signal);
  } catch (e) {
    await pool.dispose();
    throw e;
  }

  const staticInfo = {
    ...(choice.adapter ? { adapter: choice.adapter } : {}),
    workers: o.workers, threadsPerWorker: threads.threads, threadsReason: threads.reason, crossOriginIsolated: isolated,
    detector: detector.id, recognizer: recognizer.id, livenessModels: antispoof.map((m) => m.id), eyeStateModel: eyeModel.id,
    attributeModels: Object.fromEntries(ATTRIBUTE_KINDS.map((k) => [k, attributeModels[k].id])) as Record<AttributeKind, string>,
    genderHead: o.models.genderHead?.id ?? null, licences: kitLicences(o.models),
  };
  noticeNonCommercial(staticInfo.licences);
  const cache = openModelCache(o.cacheName);
  const galleries = openGalleryStore(o.cacheName);
  let disposed = false;
  const still = createStillImageCalls({ pool, maxQueue: o.maxQueue, models: o.models, ensure: loader.ensure, disposed: () => disposed });
  const createVideoLoop: FaceKit['createVideoLoop'] = async (source, lo = {}) => {
    if (disposed) throw new DisposedError();
    const resolved = resolveLoopOptions(lo);
    const plan = planFrames(lo, resolved, o.models, still.detectOptions({ inputSize: resolved.inputSize, ...(lo.minScore !== undefined ? { minScore: lo.minScore } : {}) }));
    for (const m of plan.need) await raceAbort(loader.ensure(m), lo.signal);
    const frames = createFrameSource(source, { pauseWhenHidden: lo.pauseWhenHidden ?? true });
    return startVideoLoop(frames, lo, resolved, plan.buildRequest, createFrameProcessor(pool, plan.models, () => disposed));
  };

  const kit: FaceKit = {
    get info(): FaceKitInfo {
      return Object.freeze({ backend, backendReason, ...staticInfo, storage, warnings: [...warnings] });
    },
    detect: still.detect,
    analyze: still.analyze,
    align: still.align,
    embed: still.embed,
    embedFaces: still.embedFaces,
    createVideoLoop,
    async createVerifier(vo = {}) {
      if (disposed) throw new DisposedError();
      const verifier = createVerifier({
        cacheName: o.cacheName, recognizer: recognizer.id, embeddingSize: recognizer.embeddingSize ?? 512,
        defaultLivenessThreshold: DEFAULT_LIVENESS_THRESHOLD,
        // The verifier embeds with the flip test.
        threshold: (far, threshold) => matchThreshold(recognizer, { far, threshold, flip: true }),
        startLoop: createVideoLoop,
      }, vo);
      if (vo.preload) {
        const passive = (vo.liveness ?? 'passive').startsWith('passive');
        for (const m of [recognizer, eyeModel, ...(passive ? antispoof : [])]) await loader.ensure(m);
      }
      return verifier;
    },
    compare: (a, b) => cosineSimilarity(a, b),
    verify(a, b, vo = {}) {
      const similarity = cosineSimilarity(a, b);
      const threshold = matchThreshold(recognizer, vo);
      return { similarity, threshold, isMatch: similarity >= threshold };
    },
    createGallery: () => createGallery({ dim: recognizer.embeddingSize ?? 512, model: recognizer.id }),
    saveGallery: (name, gallery) => galleries.save(name, gallery),
    loadGallery: (name) => galleries.load(name),
    deleteGallery: (name) => galleries.delete(name),
    listCached: () => cache.list(),
    clearCache: () => cache.clear(),
    clearAll: () => clearAllData(o.cacheName),
    async dispose() {
      disposed = true;
      await pool.dispose();
    },
  };
  return attachTestHooks(kit, pool, still.bitmaps);
}

/** Model files in the IndexedDB cache `cacheName`, without starting a FaceKit. */
export function listCachedModels(cacheName = 'facekit'): Promise<CachedModel[]> {
  return openModelCache(cacheName).list();
}

/** Empties the IndexedDB model cache `cacheName`. */
export function clearModelCache(cacheName = 'facekit'): Promise<void> {
  return openModelCache(cacheName).clear();
}
