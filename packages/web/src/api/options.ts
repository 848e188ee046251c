import type { DetectOptions } from '@facekit/core';
import type { BackendOption } from '../runtime/backend.js';
import type { ProgressEvent } from './types.js';

export type { DetectOptions, BackendOption };

export interface FaceKitOptions {
  /** Registry id of the face detector (`det_500m`, `scrfd_2.5g_kps`, `yunet_2026may`, …). @defaultValue 'det_500m' */
  detector?: string;
  /**
   * URL of the folder that serves the model files (the registry file name is appended).
   * Relative URLs resolve against the page. @defaultValue './models/'
   */
  modelBaseUrl?: string;
  /** `'auto'`: WebGPU on a real GPU adapter, else WASM-SIMD. @defaultValue 'auto' */
  backend?: BackendOption;
  /** Number of workers, each with its own onnxruntime-web. One gives the lowest latency. @defaultValue 1 */
  workers?: number;
  /**
   * WASM threads per worker. Needs a crossOriginIsolated page; otherwise 1 (see `info.threadsReason`).
   * @defaultValue min(4, hardwareConcurrency / workers) when isolated, else 1
   */
  threadsPerWorker?: number;
  /** Name of the IndexedDB model cache; two kits with the same name share cached files. @defaultValue 'facekit' */
  cacheName?: string;
  /** Folder URL of onnxruntime-web's .wasm files, when you host them yourself. @defaultValue where the bundler emitted them */
  wasmPaths?: string;
  /** Called while model files download or load from the cache. */
  onProgress?: (event: ProgressEvent) => void;
  /** Aborts creation (workers are terminated). */
  signal?: AbortSignal;
}

/** Per-call options of `detect`. */
export interface DetectCallOptions extends DetectOptions {
  signal?: AbortSignal;
}
