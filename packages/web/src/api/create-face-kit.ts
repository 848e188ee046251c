import {
  ATTRIBUTE_KINDS, DEFAULT_LIVENESS_THRESHOLD, cosineSimilarity, createGallery, getPack, intOption, modelOption, resolveDetectOptions, resolveQualityThresholds, thresholdFor,
  type AttributeKind, type DetectOptions, type FrameRequest, type Gallery, type Keypoints5, type MatchResult, type ModelSpec,
} from '@facekit/core';
import { proxy, transfer } from 'comlink';
import { attributeList, attributeModelOptions } from './attribute-options.js';
import { AbortedError, DisposedError, InvalidOptionError, QueueFullError } from './errors.js';
import { attachTestHooks } from './test-hooks.js';
import type { AnalyzeCallOptions, DetectCallOptions, EmbedCallOptions, FaceKitOptions, VerifyOptions } from './options.js';
import type { AlignedFace, Analysis, Detection, FaceKitInfo, ProgressEvent } from './types.js';
import { toWorkerImage, transferablesOf, type ImageInput } from '../media/input.js';
import { createWorkerPool, unwrapReply, type PoolWorker, type WorkerPool } from '../pool/worker-pool.js';
import { raceAbort } from '../pool/abort.js';
import { resolveBackend, resolveThreads } from '../runtime/backend.js';
import { clearAllData } from '../store/clear-all.js';
import { openGalleryStore } from '../store/gallery-store.js';
import { openModelCache, type CachedModel } from '../store/model-cache.js';
import { resolveLoopOptions, startVideoLoop, type VideoLoop, type VideoLoopOptions } from '../video/video-loop.js';
import type { VideoSource } from '../video/frame-source.js';
import { createVerifier, type Verifier, type VerifierOptions } from '../verifier/verifier.js';
import { DEFAULT_FETCH_POLICY, type ModelFetchPolicy, type ModelFileProgress } from '../store/model-store.js';
import type { Reply, WorkerApi, WorkerImage } from '../worker/messages.js';
import type { Remote } from 'comlink';

/** Anything with the 5 keypoints of a detected face. */
export interface FaceLike { keypoints: Keypoints5 }

export interface FaceKit {
  /** Backend, threads and why they were chosen. */
  readonly info: FaceKitInfo;
  /** Detects faces; boxes and keypoints are in the image's pixels. */
  detect(image: ImageInput, options?: DetectCallOptions): Promise<Detection>;
  /**
   * Detects, aligns and embeds every face, with passive liveness and the attributes asked for
   * (`attributes: ['age', 'gender', …]`, their models loaded on first use); the image crosses to
   * the worker once.
   */
  analyze(image: ImageInput, options?: AnalyzeCallOptions): Promise<Analysis>;
  /** The ArcFace-aligned crop of one face (default 112×112) and its matrix. */
  align(image: ImageInput, face: FaceLike, options?: { size?: number; signal?: AbortSignal }): Promise<AlignedFace>;
  /**
   * The L2-normalised embedding of one face: of `face` in `image` (aligned by its keypoints), or,
   * without `face`, of `image` taken as an already aligned crop (e.g. from `align`).
   */
  embed(image: ImageInput, face?: FaceLike, options?: EmbedCallOptions): Promise<Float32Array>;
  /**
   * Starts a live loop on a camera or video: tracked faces, quality gate, and (as asked) eye state,
   * passive liveness and embeddings of the main face and attributes per track, one result per
   * processed frame (latest frame wins).
   */
  createVideoLoop(source: VideoSource, options?: VideoLoopOptions): Promise<VideoLoop>;
  /**
   * Enroll → verify / identify on live video, with templates in IndexedDB. Models load on the
   * first enroll / verify / identify (list and delete need none); `preload: true` loads them now.
   */
  createVerifier(options?: VerifierOptions): Promise<Verifier>;
  /** Embeddings of several faces of one image, in one worker round trip. */
  embedFaces(image: ImageInput, faces: readonly FaceLike[], options?: EmbedCallOptions): Promise<Float32Array[]>;
  /** Cosine similarity of two embeddings, in [-1, 1]. */
  compare(a: Float32Array, b: Float32Array): number;
  /** Same person? Against this kit's recognizer's calibrated threshold at `far` (default 1e-4), or yours. */
  verify(a: Float32Array, b: Float32Array, options?: VerifyOptions): MatchResult;
  /** A 1:N gallery for this kit's recognizer's embeddings. */
  createGallery(): Gallery;
  /** Stores a gallery in IndexedDB under `name` (replacing any previous one). */
  saveGallery(name: string, gallery: Gallery): Promise<void>;
  /** Loads a gallery saved with `saveGallery`; undefined when there is none. */
  loadGallery(name: string): Promise<Gallery | undefined>;
  deleteGallery(name: string): Promise<void>;
  /** Model files in this kit's IndexedDB cache. */
  listCached(): Promise<CachedModel[]>;
  /** Empties this kit's model cache (loaded models keep working). */
  clearCache(): Promise<void>;
  /**
   * Removes every record facekit stored under this kit's `cacheName`: cached models, saved
   * galleries and every verifier's enrolled templates. Resolves with the databases emptied.
   */
  clearAll(): Promise<string[]>;
  /** Terminates the workers and releases their sessions. Calls after this throw DisposedError. */
  dispose(): Promise<void>;
}

/** See `FaceKitOptions.maxQueue`. */
const DEFAULT_MAX_QUEUE = 100;

function resolveFetchPolicy(o: Partial<ModelFetchPolicy> | undefined): ModelFetchPolicy {
  const p = { ...DEFAULT_FETCH_POLICY, ...o };
  const bad = (name: keyof ModelFetchPolicy, min: number) => !(Number.isFinite(p[name]) && p[name] >= min);
  if (bad('stallTimeoutMs', 1)) throw new InvalidOptionError(`modelFetch.stallTimeoutMs must be a positive number of ms, got ${p.stallTimeoutMs}`);
  if (bad('retries', 0) || !Number.isInteger(p.retries) || p.retries > 10) throw new InvalidOptionError(`modelFetch.retries must be an integer from 0 to 10, got ${p.retries}`);
  if (bad('retryDelayMs', 0)) throw new InvalidOptionError(`modelFetch.retryDelayMs must be ≥ 0, got ${p.retryDelayMs}`);
  return p;
}

/** A folder URL, absolute (relative ones resolve against the page) and ending in '/'. */
function baseUrl(url: string | undefined, name: string): string {
  const base = (globalThis as { document?: { baseURI: string } }).document?.baseURI ?? globalThis.location?.href;
  let u: URL;
  try {
    u = new URL(url ?? './models/', base);
  } catch {
    throw new InvalidOptionError(`${name}: "${String(url)}" is not a URL (absolute, or relative to the page)`);
  }
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u.href;
}

function checkFaces(faces: readonly FaceLike[]): void {
  faces.forEach((f, i) => {
    const k = f?.keypoints;
    if (!Array.isArray(k) || k.length !== 5 || !k.every((p) => Array.isArray(p) && p.length === 2 && p.every(Number.isFinite))) {
      throw new InvalidOptionError(`face ${i}: keypoints must be 5 [x, y] pairs of finite numbers (as detect() returns them)`);
    }
  });
}

/**
 * Starts a FaceKit: probes the backend, spawns the workers, and loads the detector (from the
 * IndexedDB cache, or downloaded, checked and cached). Rejects with a typed error if any of
 * that fails; nothing is left running then.
 */
export async function createFaceKit(options: FaceKitOptions = {}): Promise<FaceKit> {
  let pack;
  try {
    pack = getPack(options.pack ?? 'facekit_s');
  } catch (e) {
    throw new InvalidOptionError(`pack: ${(e as Error).message}`);
  }
  const detector = modelOption(options.detector ?? pack.detector, 'detector', 'detection');
  const recognizer = modelOption(options.recognizer ?? pack.recognizer, 'recognizer', 'recognition');
  const antispoof = (options.livenessModels ?? ['minifasnet_v2', 'minifasnet_v1se']).map((id) => modelOption(id, 'livenessModels', 'antispoof'));
  const eyeModel = modelOption(options.eyeStateModel ?? 'fr_eye', 'eyeStateModel', 'eyestate');
  const attributeModels = attributeModelOptions(options.attributeModels, eyeModel);
  /** The models (each once) and the id answering each asked attribute. */
  const attributeNeeds = (kinds: readonly AttributeKind[]) => ({
    specs: [...new Set(kinds.map((k) => attributeModels[k]))],
    ids: Object.fromEntries(kinds.map((k) => [k, attributeModels[k].id])) as Partial<Record<AttributeKind, string>>,
  });
  const workers = intOption(options.workers, 'workers', { max: 64 }) ?? 1;
  const maxQueue = intOption(options.maxQueue, 'maxQueue', { max: 100_000 }) ?? DEFAULT_MAX_QUEUE;
  const fetchPolicy = resolveFetchPolicy(options.modelFetch);
  const requestedThreads = intOption(options.threadsPerWorker, 'threadsPerWorker', { max: 64 });
  const cacheName = options.cacheName ?? 'facekit';
  const assetBase = options.assetBaseUrl === undefined ? undefined : baseUrl(options.assetBaseUrl, 'assetBaseUrl');
  const modelBase = options.modelBaseUrl !== undefined ? baseUrl(options.modelBaseUrl, 'modelBaseUrl') : assetBase ? `${assetBase}models/` : baseUrl(undefined, 'modelBaseUrl');
  const wasmOption = options.wasmBaseUrl ?? options.wasmPaths;
  // Absolute: the worker would resolve a relative URL against its own script.
  const wasmBase = wasmOption !== undefined ? baseUrl(wasmOption, 'wasmBaseUrl') : assetBase ? `${assetBase}ort/` : undefined;
  if (options.signal?.aborted) throw new AbortedError();

  const choice = await resolveBackend(options.backend ?? 'auto');
  const isolated = globalThis.crossOriginIsolated === true;
  const threads = resolveThreads(requestedThreads, workers, isolated, globalThis.navigator?.hardwareConcurrency ?? 1);

  // The backend new workers start on: WebGPU can be lost at run time, and the kit moves to WASM.
  let backend = choice.backend;
  let backendReason = choice.reason;
  // What info reports about storage; a warning is kept once, however many workers report it.
  let storage: FaceKitInfo['storage'] = 'indexeddb';
  const warnings: string[] = [];
  const warn = (w: string) => { if (!warnings.includes(w)) warnings.push(w); };

  // Progress of the current load, summed over its files.
  const progress = new Map<string, { loaded: number; total: number }>();
  const report = (load: readonly ModelSpec[]) => (p: ModelFileProgress) => {
    progress.set(p.model, { loaded: p.loaded, total: p.total });
    let overallLoaded = 0, overallTotal = 0;
    for (const m of load) {
      const f = progress.get(m.id);
      overallLoaded += f?.loaded ?? 0;
      overallTotal += f?.total || m.bytes || 0;
    }
    const event: ProgressEvent = { ...p, overallLoaded, overallTotal };
    options.onProgress?.(event);
  };
  const loadStep = (load: readonly ModelSpec[]) => async (w: PoolWorker) => {
    for (const spec of load) {
      // Only the first worker reports progress: the others read the cache it filled.
      const onProgress = w.index === 0 && options.onProgress ? proxy(report(load)) : undefined;
      const loadedModel = unwrapReply(await w.remote.loadModel({ spec, url: new URL(spec.file, modelBase).href }, onProgress));
      if (loadedModel.cacheProblem) warn(loadedModel.cacheProblem);
      if (loadedModel.evicted) warn(`The storage quota was full: evicted ${loadedModel.evicted.join(', ')} from the model cache to keep ${spec.id}.`);
    }
  };

  const initial = options.preloadRecognizer ? [detector, recognizer] : [detector];
  const pool: WorkerPool = createWorkerPool({
    size: workers,
    maxQueue,
    onDeviceLost: (why) => {
      backend = 'wasm';
      backendReason = `${why}: moved to WASM-SIMD (the calls in flight ran again there)`;
      warn(backendReason);
    },
    spawn: () => new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'facekit' }),
    prepare: async (w) => {
      const ready = unwrapReply(await w.remote.init({ backend, threads: threads.threads, cacheName, fetchPolicy, ...(wasmBase ? { wasmPaths: wasmBase } : {}) }));
      if (ready.storageProblem) {
        storage = 'memory';
        warn(`${ready.storageProblem}: models are kept in memory only and downloaded again by every new kit.`);
      }
      await loadStep(initial)(w);
    },
  });

  try {
    await raceAbort(pool.ready(), options.signal);
  } catch (e) {
    await pool.dispose();
    throw e;
  }

  // Lazily loaded models: one load per model however many calls wait for it; retried after a failure.
  const loaded = new Map<string, Promise<void>>(initial.map((m) => [m.id, Promise.resolve()]));
  const ensure = (spec: ModelSpec): Promise<void> => {
    let p = loaded.get(spec.id);
    if (!p) {
      p = pool.extend(loadStep([spec]));
      loaded.set(spec.id, p);
      p.catch(() => loaded.delete(spec.id));
    }
    return p;
  };

  const staticInfo = {
    ...(choice.adapter ? { adapter: choice.adapter } : {}),
    workers,
    threadsPerWorker: threads.threads,
    threadsReason: threads.reason,
    crossOriginIsolated: isolated,
    detector: detector.id,
    recognizer: recognizer.id,
    livenessModels: antispoof.map((m) => m.id),
    eyeStateModel: eyeModel.id,
    attributeModels: Object.fromEntries(ATTRIBUTE_KINDS.map((k) => [k, attributeModels[k].id])) as Record<AttributeKind, string>,
  };
  const cache = openModelCache(cacheName);
  const galleries = openGalleryStore(cacheName);
  let disposed = false;
  // Test hook only: the bitmaps decoded for still-image calls, to check none is left holding pixels.
  let trackedBitmaps: Set<ImageBitmap> | undefined;
  /** Still-image calls admitted and being decoded, not yet queued. */
  let decoding = 0;

  const detectOptions = (o: DetectOptions): Required<DetectOptions> => {
    try {
      return resolveDetectOptions(detector, o);
    } catch (e) {
      throw new InvalidOptionError((e as Error).message);
    }
  };

  /**
   * Sends one image to a worker. `send` marks the request so that its bitmap is transferred, not
   * copied (comlink transfers only what a top-level argument lists); a bitmap that never leaves
   * (queue full, aborted, disposed) is closed.
   */
  async function withImage<T>(image: ImageInput, signal: AbortSignal | undefined, call: (remote: Remote<WorkerApi>, img: WorkerImage, send: <R extends object>(request: R) => R) => Promise<Reply<T>>): Promise<T> {
    if (disposed) throw new DisposedError();
    // Refused before decoding: calls being decoded count as queued, so a burst beyond the queue
    // costs no pixels.
    if (pool.stats().queued + decoding >= maxQueue) throw new QueueFullError(maxQueue);
    decoding++;
    let workerImage: WorkerImage;
    try {
      workerImage = await toWorkerImage(image);
    } finally {
      decoding--;
    }
    if (workerImage.kind === 'bitmap') trackedBitmaps?.add(workerImage.bitmap);
    return pool.run((remote) => call(remote, workerImage, (request) => transfer(request, transferablesOf(workerImage))), {
      ...(signal ? { signal } : {}),
      onDropped: () => { if (workerImage.kind === 'bitmap') workerImage.bitmap.close(); },
    });
  }

  async function embedMany(image: ImageInput, faces: readonly FaceLike[] | undefined, o: EmbedCallOptions): Promise<Float32Array[]> {
    if (faces) checkFaces(faces);
    if (disposed) throw new DisposedError();
    await raceAbort(ensure(recognizer), o.signal);
    const reply = await withImage(image, o.signal, (remote, img, send) => remote.embed(send({
      image: img, recognizer: recognizer.id, flip: o.flip ?? false,
      ...(faces ? { faces: faces.map((f) => ({ keypoints: f.keypoints })) } : {}),
    })));
    return reply.embeddings;
  }

  /** The explicit threshold, or this recognizer's calibrated one at `far` (flip-test table with `flip`). */
  function matchThreshold(o: VerifyOptions): number {
    if (o.threshold !== undefined) {
      if (!Number.isFinite(o.threshold)) throw new InvalidOptionError(`threshold must be a finite number, got ${o.threshold}`);
      return o.threshold;
    }
    try {
      return thresholdFor(recognizer.id, o.far, o.flip);
    } catch (e) {
      throw new InvalidOptionError((e as Error).message);
    }
  }

  async function createVideoLoop(source: VideoSource, o: VideoLoopOptions = {}): Promise<VideoLoop> {
    if (disposed) throw new DisposedError();
    const resolved = resolveLoopOptions(o);
    const detect = detectOptions({ inputSize: resolved.inputSize, ...(o.minScore !== undefined ? { minScore: o.minScore } : {}) });
    let thresholds;
    try {
      thresholds = resolveQualityThresholds(o.quality ?? {});
    } catch (e) {
      throw new InvalidOptionError((e as Error).message);
    }
    const attributes = attributeList(o.attributes, 'attributes');
    const attr = attributeNeeds(attributes);
    const need = [...new Set([...(o.embed ? [recognizer] : []), ...(o.liveness ? antispoof : []), ...(o.eyes ? [eyeModel] : []), ...attr.specs])];
    for (const m of need) await raceAbort(ensure(m), o.signal);
    const base: Omit<FrameRequest, 'regions'> = {
      // Eyes-closed is judged over frames by the loop (per track, with hysteresis), not per frame.
      detect, regionInputSize: resolved.regionInputSize, thresholds: { ...thresholds, minEyesOpen: 0 },
      eyes: o.eyes ? 'main' : 'none', liveness: o.liveness ? 'main' : 'none', embed: o.embed ? 'main' : 'none',
      flip: o.flip ?? false, onlyWhenOk: o.onlyWhenOk ?? false,
    };
    const models = {
      detector: detector.id,
      ...(o.embed ? { recognizer: recognizer.id } : {}),
      ...(o.liveness ? { antispoof: antispoof.map((m) => m.id) } : {}),
      ...(o.eyes ? { eyes: eyeModel.id } : {}),
      ...(attributes.length ? { attributes: attr.ids } : {}),
    };
    return startVideoLoop(source, o, resolved, (regions, attributesDue) => ({
      ...base,
      ...(regions ? { regions } : {}),
      ...(attributesDue && attributes.length ? { attributes: { kinds: attributes, faces: 'all' as const } } : {}),
    }), (frame, request, signal) => {
      if (disposed) { frame.close(); return Promise.reject(new DisposedError()); }
      const image: WorkerImage = 'displayWidth' in frame.image
        ? { kind: 'frame', frame: frame.image }
        : { kind: 'bitmap', bitmap: frame.image, decodeMs: 0 };
      return pool.run((remote) => remote.processFrame(transfer({ image, ...models, request }, [frame.image])), {
        signal,
        onDropped: () => frame.close(),
      });
    });
  }

  const kit: FaceKit = {
    get info(): FaceKitInfo {
      return Object.freeze({ backend, backendReason, ...staticInfo, storage, warnings: [...warnings] });
    },
    async detect(image, callOptions = {}) {
      const { signal, ...rest } = callOptions;
      const resolved = detectOptions(rest);
      const reply = await withImage(image, signal, (remote, img, send) => remote.detect(send({ image: img, detector: detector.id, options: resolved })));
      return {
        faces: reply.faces, width: reply.width, height: reply.height, inputSize: Math.max(reply.inputWidth, reply.inputHeight), retried: reply.retried,
        timings: { decode: reply.decodeMs, ...reply.timings },
      };
    },
    async analyze(image, callOptions = {}) {
      const { signal, flip, liveness, livenessThreshold, attributes: asked, ...rest } = callOptions;
      const resolved = detectOptions(rest);
      const attributes = attributeList(asked, 'attributes');
      const attr = attributeNeeds(attributes);
      const livenessAt = livenessThreshold ?? DEFAULT_LIVENESS_THRESHOLD;
      if (!(livenessAt >= 0 && livenessAt <= 1)) throw new InvalidOptionError(`livenessThreshold must be in [0, 1], got ${livenessAt}`);
      if (disposed) throw new DisposedError();
      await raceAbort(ensure(recognizer), signal);
      if (liveness) for (const m of antispoof) await raceAbort(ensure(m), signal);
      for (const m of attr.specs) await raceAbort(ensure(m), signal);
      const reply = await withImage(image, signal, (remote, img, send) => remote.analyze(send({
        image: img, detector: detector.id, options: resolved, recognizer: recognizer.id, flip: flip ?? false,
        ...(liveness ? { liveness: antispoof.map((m) => m.id) } : {}),
        ...(attributes.length ? { attributes: { kinds: attributes, models: attr.ids } } : {}),
      })));
      return {
        faces: reply.faces.map((f, i) => ({
          ...f, embedding: reply.embeddings[i]!,
          ...(reply.liveness ? { liveness: { score: reply.liveness[i]!.score, isReal: reply.liveness[i]!.score >= livenessAt, perModel: reply.liveness[i]!.perModel } } : {}),
          ...(reply.attributes ? { attributes: reply.attributes[i]! } : {}),
        })),
        width: reply.width, height: reply.height, inputSize: Math.max(reply.inputWidth, reply.inputHeight), retried: reply.retried,
        recognizer: recognizer.id,
        timings: { decode: reply.decodeMs, ...reply.timings },
        embeddingTimings: reply.embeddingTimings,
        ...(reply.livenessMs !== undefined ? { livenessMs: reply.livenessMs } : {}),
        ...(reply.attributeTimings ? { attributeTimings: reply.attributeTimings } : {}),
      };
    },
    createVideoLoop,
    async createVerifier(o = {}) {
      if (disposed) throw new DisposedError();
      const verifier = createVerifier({
        cacheName,
        recognizer: recognizer.id,
        embeddingSize: recognizer.embeddingSize ?? 512,
        defaultLivenessThreshold: DEFAULT_LIVENESS_THRESHOLD,
        // The verifier embeds with the flip test.
        threshold: (far, threshold) => matchThreshold({ far, threshold, flip: true }),
        startLoop: createVideoLoop,
      }, o);
      if (o.preload) {
        const mode = o.liveness ?? 'passive';
        for (const m of [recognizer, eyeModel, ...(mode.startsWith('passive') ? antispoof : [])]) await ensure(m);
      }
      return verifier;
    },
    async align(image, face, o = {}) {
      checkFaces([face]);
      const size = o.size ?? recognizer.input.width;
      if (!Number.isInteger(size) || size <= 0 || (size % 112 !== 0 && size % 128 !== 0)) {
        throw new InvalidOptionError(`size must be a positive multiple of 112 or 128, got ${size}`);
      }
      const [crop] = await withImage(image, o.signal, (remote, img, send) => remote.align(send({ image: img, faces: [{ keypoints: face.keypoints }], size })));
      return { image: new ImageData(crop!.data as Uint8ClampedArray<ArrayBuffer>, crop!.size, crop!.size), matrix: crop!.matrix };
    },
    async embed(image, face, o = {}) {
      const [e] = await embedMany(image, face ? [face] : undefined, o);
      return e!;
    },
    embedFaces: (image, faces, o = {}) => (faces.length === 0 ? Promise.resolve([]) : embedMany(image, faces, o)),
    compare: (a, b) => cosineSimilarity(a, b),
    verify(a, b, o = {}) {
      const similarity = cosineSimilarity(a, b);
      const threshold = matchThreshold(o);
      return { similarity, threshold, isMatch: similarity >= threshold };
    },
    createGallery: () => createGallery({ dim: recognizer.embeddingSize ?? 512, model: recognizer.id }),
    saveGallery: (name, gallery) => galleries.save(name, gallery),
    loadGallery: (name) => galleries.load(name),
    deleteGallery: (name) => galleries.delete(name),
    listCached: () => cache.list(),
    clearCache: () => cache.clear(),
    clearAll: () => clearAllData(cacheName),
    async dispose() {
      disposed = true;
      await pool.dispose();
    },
  };
  return attachTestHooks(kit, pool, {
    start: () => { trackedBitmaps = new Set(); },
    open: () => [...trackedBitmaps ?? []].filter((b) => b.width > 0).length,
    decoded: () => trackedBitmaps?.size ?? 0,
  });
}

/** Model files in the IndexedDB cache `cacheName`, without starting a FaceKit. */
export function listCachedModels(cacheName = 'facekit'): Promise<CachedModel[]> {
  return openModelCache(cacheName).list();
}

/** Empties the IndexedDB model cache `cacheName`. */
export function clearModelCache(cacheName = 'facekit'): Promise<void> {
  return openModelCache(cacheName).clear();
}
