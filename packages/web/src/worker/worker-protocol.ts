// The one contract between the page and a facekit worker. Everything here is structured-
// clonable; images and result buffers are transferred, never copied.
import type { Affine2x3, AttributeKind, DetectOptions, DetectionRun, FaceAttributes, FrameAnalysis, FrameRequest, Keypoints5, ModelSpec, RecognitionRun } from '@facekit/core';
import type { SerializedError } from '../errors.js';
import type { ModelFetchPolicy, ModelFileProgress } from '../store/model-store.js';
import type { Backend } from '../runtime/backend.js';

export interface WorkerInit {
  backend: Backend;
  threads: number;
  /** Name of the IndexedDB model cache (`openModelCache`). */
  cacheName: string;
  /** Folder URL of ORT's .wasm/.mjs files, when they are not where the bundler put them. */
  wasmPaths?: string;
  /** Timeouts and retries of model downloads. */
  fetchPolicy: ModelFetchPolicy;
}

export interface WorkerReady {
  backend: Backend;
  threads: number;
  crossOriginIsolated: boolean;
  /** Where downloaded models are kept: IndexedDB, or (when it is unusable) this worker's memory. */
  storage: 'indexeddb' | 'memory';
  /** Why IndexedDB is not used. */
  storageProblem?: string;
}

export interface LoadModelRequest {
  spec: ModelSpec;
  /** Absolute URL of the model file. */
  url: string;
}

export interface LoadedModel {
  id: string;
  fromCache: boolean;
  /** Models evicted from the cache (least recently used) to make room for this one. */
  evicted?: string[];
  /** Why this model could not be cached. */
  cacheProblem?: string;
  inputNames: string[];
  outputNames: string[];
}

/** An image on its way to the worker: a bitmap or a camera frame (transferred), or an encoded blob (decoded there). */
export type WorkerImage =
  | { kind: 'bitmap'; bitmap: ImageBitmap; decodeMs: number }
  | { kind: 'frame'; frame: VideoFrame }
  | { kind: 'blob'; blob: Blob };

export interface DetectRequest {
  image: WorkerImage;
  detector: string;
  options: DetectOptions;
}

export interface DetectReply extends DetectionRun {
  width: number;
  height: number;
  decodeMs: number;
}

export interface AnalyzeRequest extends DetectRequest {
  recognizer: string;
  flip: boolean;
  /** Antispoof model ids: add passive liveness to every face. */
  liveness?: string[];
  /**
   * Attributes for every face, and the (loaded) model id answering each; `genderHead`: the
   * recognizer whose embedding the gender head stacks with the gender model.
   */
  attributes?: { kinds: AttributeKind[]; models: Partial<Record<AttributeKind, string>>; genderHead?: string };
}

export interface AnalyzeReply extends DetectReply {
  embeddings: Float32Array[];
  embeddingTimings: RecognitionRun['timings'];
  liveness?: { score: number; perModel: Record<string, number> }[];
  livenessMs?: number;
  attributes?: FaceAttributes[];
  /** Milliseconds per attribute model id, all faces. */
  attributeTimings?: Record<string, number>;
}

/** One video frame (or still) through detection, quality measures, eyes, liveness and embedding. */
export interface FrameMessage {
  image: WorkerImage;
  detector: string;
  /** Model ids for the stages the request asks for (each must be loaded). */
  recognizer?: string;
  antispoof?: string[];
  eyes?: string;
  /** The (loaded) model id answering each attribute `request.attributes` may ask for. */
  attributes?: Partial<Record<AttributeKind, string>>;
  /** The (loaded) recognizer whose embedding the gender head stacks with the gender model. */
  genderHead?: string;
  request: FrameRequest;
}

export interface FrameReply extends FrameAnalysis {
  width: number;
  height: number;
  decodeMs: number;
  /** Time inside the worker for this frame, from receipt to reply. */
  workerMs: number;
}

export interface EmbedRequest {
  image: WorkerImage;
  recognizer: string;
  /** Faces to align by their keypoints; absent: the image is already an aligned crop. */
  faces?: { keypoints: Keypoints5 }[];
  flip: boolean;
}

export interface EmbedReply {
  embeddings: Float32Array[];
  matrices: Affine2x3[];
  timings: RecognitionRun['timings'] & { decode: number };
}

export interface AlignRequest {
  image: WorkerImage;
  faces: { keypoints: Keypoints5 }[];
  /** Crop side in pixels (a multiple of 112 or 128). */
  size: number;
}

export interface AlignedCrop {
  /** RGBA, size × size. */
  data: Uint8ClampedArray;
  size: number;
  /** Source → crop pixel map. */
  matrix: Affine2x3;
}

/** How a worker says, in the uncaught error that ends it, that its WebGPU device was lost. */
export const DEVICE_LOST = 'facekit: the WebGPU device was lost';

/**
 * `fatal`: the worker's runtime is broken (a WebAssembly trap in ORT): the pool replaces the worker.
 * `deviceLost`: the call failed because the WebGPU device was lost (the message): not the call's
 * fault, so the pool runs it again on the replacement, as for the uncaught error that follows.
 */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: SerializedError; fatal?: true; deviceLost?: string };

/** What a worker exposes over comlink. Methods never throw: failures come back as `Reply`. */
export interface WorkerApi {
  /** Test hook: throws outside any call, as a crashing worker does (the pool sees an 'error' event); 'device' destroys its WebGPU device. */
  crashForTest(how: 'uncaught' | 'device'): Promise<void>;
  init(init: WorkerInit): Promise<Reply<WorkerReady>>;
  loadModel(req: LoadModelRequest, onProgress?: (p: ModelFileProgress) => void): Promise<Reply<LoadedModel>>;
  detect(req: DetectRequest): Promise<Reply<DetectReply>>;
  /** Detect + align + embed with the image crossing once. */
  analyze(req: AnalyzeRequest): Promise<Reply<AnalyzeReply>>;
  embed(req: EmbedRequest): Promise<Reply<EmbedReply>>;
  /** The live path: one frame through every stage it asks for, the image crossing once. */
  processFrame(req: FrameMessage): Promise<Reply<FrameReply>>;
  align(req: AlignRequest): Promise<Reply<AlignedCrop[]>>;
  dispose(): Promise<Reply<void>>;
}
