// The one contract between the page and a facekit worker. Everything here is structured-
// clonable; images and result buffers are transferred, never copied.
import type { DetectOptions, DetectionRun, ModelSpec } from '@facekit/core';
import type { SerializedError } from '../api/errors.js';
import type { ModelFileProgress } from '../store/model-store.js';
import type { Backend } from '../runtime/backend.js';

export interface WorkerInit {
  backend: Backend;
  threads: number;
  /** Name of the IndexedDB model cache (`openModelCache`). */
  cacheName: string;
  /** Folder URL of ORT's .wasm/.mjs files, when they are not where the bundler put them. */
  wasmPaths?: string;
}

export interface WorkerReady {
  backend: Backend;
  threads: number;
  crossOriginIsolated: boolean;
}

export interface LoadModelRequest {
  spec: ModelSpec;
  /** Absolute URL of the model file. */
  url: string;
}

export interface LoadedModel {
  id: string;
  fromCache: boolean;
  inputNames: string[];
  outputNames: string[];
}

/** An image on its way to the worker: a bitmap (transferred) or an encoded blob (decoded there). */
export type WorkerImage =
  | { kind: 'bitmap'; bitmap: ImageBitmap; decodeMs: number }
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

export type Reply<T> = { ok: true; value: T } | { ok: false; error: SerializedError };

/** What a worker exposes over comlink. Methods never throw: failures come back as `Reply`. */
export interface WorkerApi {
  init(init: WorkerInit): Promise<Reply<WorkerReady>>;
  loadModel(req: LoadModelRequest, onProgress?: (p: ModelFileProgress) => void): Promise<Reply<LoadedModel>>;
  detect(req: DetectRequest): Promise<Reply<DetectReply>>;
  dispose(): Promise<Reply<void>>;
}
