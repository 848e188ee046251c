import type { ModelFetchPolicy } from '../store/model-store.js';
import type { AttributeKind, DetectOptions } from '@facekit/core';
import type { BackendOption } from '../runtime/backend.js';
import type { ProgressEvent } from './result-types.js';

export type { AttributeKind, DetectOptions, BackendOption };

export interface FaceKitOptions {
  /**
   * A model pack (`facekit_s`, `buffalo_s`, `buffalo_sc`, `buffalo_m`, `buffalo_l`, `commercial_s`):
   * sets the detector and recognizer unless they are given. @defaultValue 'facekit_s' (det_500m + fr_feature)
   */
  pack?: string;
  /** Registry id of the face detector (`det_500m`, `scrfd_2.5g_kps`, `yunet_2026may`, …). @defaultValue the pack's ('det_500m') */
  detector?: string;
  /**
   * Registry id of the face recognizer (`fr_feature`, `w600k_mbf`, `w600k_r50`). Loaded on
   * first use (`analyze`, `embed`) unless `preloadRecognizer` is true. @defaultValue the pack's ('fr_feature')
   */
  recognizer?: string;
  /** Passive liveness models (antispoof), fused by averaging their real-face probabilities. Loaded on first use. @defaultValue ['minifasnet_v2', 'minifasnet_v1se'] */
  livenessModels?: string[];
  /** Eye-state model (open/closed), for the quality gate's eyes-closed and the blink check. Loaded on first use. @defaultValue 'fr_eye' */
  eyeStateModel?: string;
  /**
   * The model answering each attribute (registry ids); each loads on the first call that asks for
   * it. InsightFace's `genderage` may answer both age and gender (it then runs once), `2d106det`
   * landmarks (both registered by hash, unverified here). Eye state uses `eyeStateModel`.
   * @defaultValue { age: 'fr_age', gender: 'fr_gender', expression: 'fr_expression', pose: 'fr_pose', landmarks: 'fr_landmark' }
   */
  attributeModels?: Partial<Record<Exclude<AttributeKind, 'eyes'>, string>>;
  /**
   * Read gender with facekit's stacked head: the gender model's reading combined with the
   * recognizer's embedding (which analyze and a live loop with `embed` compute anyway), where a
   * head ships for that pair (fr_gender with fr_feature). Cross-validated on people it never saw,
   * 97.2 % against the model alone's 95.7 % (women 94.8 % against 85.8 %), and its probability is
   * calibrated (README). `false`: the gender model alone. Ignored where no head ships.
   * @defaultValue true
   */
  genderHead?: boolean;
  /** Load the recognizer while creating the kit instead of on first use. @defaultValue false */
  preloadRecognizer?: boolean;
  /**
   * URL of the folder that `npx facekit assets <dir>` filled, as your app serves it: the models
   * are read from `<assetBaseUrl>models/` and onnxruntime-web's files from `<assetBaseUrl>ort/`
   * (unless `modelBaseUrl` / `wasmBaseUrl` say otherwise). May be another origin (it must then
   * send CORS headers, and `Cross-Origin-Resource-Policy: cross-origin` for an isolated page).
   * Relative URLs resolve against the page. @defaultValue none: models from './models/', the runtime where the bundler emitted it
   */
  assetBaseUrl?: string;
  /**
   * URL of the folder that serves the model files (the registry file name is appended).
   * Relative URLs resolve against the page. @defaultValue `<assetBaseUrl>models/`, else './models/'
   */
  modelBaseUrl?: string;
  /**
   * Folder URL of onnxruntime-web's .mjs and .wasm files, when you host them yourself.
   * @defaultValue `<assetBaseUrl>ort/`, else next to facekit's worker (or where your bundler emitted them)
   */
  wasmBaseUrl?: string;
  /** @deprecated Use `wasmBaseUrl`. */
  wasmPaths?: string;
  /** `'auto'`: WebGPU on a real GPU adapter, else WASM-SIMD. @defaultValue 'auto' */
  backend?: BackendOption;
  /** Number of workers, each with its own onnxruntime-web. One gives the lowest latency. @defaultValue 1 */
  workers?: number;
  /**
   * WASM threads per worker. Needs a crossOriginIsolated page; otherwise 1 (see `info.threadsReason`).
   * @defaultValue min(4, hardwareConcurrency / workers) when isolated, else 1
   */
  threadsPerWorker?: number;
  /**
   * Still-image calls (detect, analyze, embed, …) that may wait for a worker. One more is refused
   * at once with `QueueFullError`, before its image is decoded, so a burst cannot pile up decoded
   * images. Each worker runs one call at a time; the live loop keeps only its newest frame.
   * @defaultValue 100
   */
  maxQueue?: number;
  /**
   * How model downloads cope with a bad network: `stallTimeoutMs` (a download that receives
   * nothing for this long fails; default 30000), `retries` (further tries after a transient
   * failure: network error, stall, truncated body, HTTP 408/429/5xx; default 2) and
   * `retryDelayMs` (before the first retry, doubled after; default 500). A 404 or a wrong hash
   * is not retried.
   */
  modelFetch?: Partial<ModelFetchPolicy>;
  /** Name of the IndexedDB model cache; two kits with the same name share cached files. @defaultValue 'facekit' */
  cacheName?: string;
  /** Called while model files download or load from the cache. */
  onProgress?: (event: ProgressEvent) => void;
  /** Aborts creation (workers are terminated). */
  signal?: AbortSignal;
}

/** Per-call options of `detect`. */
export interface DetectCallOptions extends DetectOptions {
  signal?: AbortSignal;
}

/** Per-call options of `analyze`. */
export interface AnalyzeCallOptions extends DetectCallOptions {
  /** Add the mirrored crop's embedding (the standard flip test): a little more accurate, twice the recognizer work. @defaultValue false */
  flip?: boolean;
  /** Add passive liveness (MiniFASNet V2 + V1SE on 2.7× / 4× crops) to every face. @defaultValue false */
  liveness?: boolean;
  /** Real-face score at or above which `liveness.isReal` is true. @defaultValue DEFAULT_LIVENESS_THRESHOLD (calibrated on spoof-dev) */
  livenessThreshold?: number;
  /**
   * Attributes to add to every face (see `FaceAttributes` for units): 'age', 'gender',
   * 'expression', 'pose', 'eyes', 'landmarks'. Only the models asked for load. @defaultValue []
   */
  attributes?: AttributeKind[];
}

/** Per-call options of `embed`. */
export interface EmbedCallOptions {
  /** @defaultValue false */
  flip?: boolean;
  signal?: AbortSignal;
}

/** Options of `verify`: a calibrated false-accept rate, or your own threshold. */
export interface VerifyOptions {
  /** False-accept rate whose calibrated threshold is used (1e-2, 1e-3 or 1e-4). @defaultValue 1e-4 */
  far?: number;
  /** A cosine-similarity threshold of your own; overrides `far`. */
  threshold?: number;
  /** The embeddings were made with `flip: true` (uses the flip-test calibration). @defaultValue false */
  flip?: boolean;
}
