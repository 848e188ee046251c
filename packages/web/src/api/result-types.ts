import type { Box, DetectedFace, FaceAttributes, Keypoints5, Point, StageTimings } from '@facekit/core';
import type { AttributeKind } from '@facekit/core';
import type { Backend } from '../runtime/backend.js';

export type { Box, FaceAttributes, Keypoints5, Point, StageTimings };

/** A detected face in source-image pixels. See `DetectedFace` in @facekit/core. */
export type Face = DetectedFace;

/** The result of `detect`. */
export interface Detection {
  faces: Face[];
  /** Size of the source image, in pixels: the space of every box and keypoint. */
  width: number;
  height: number;
  /** The detector input size used: its longer side (after a tight-crop retry, the smaller size). */
  inputSize: number;
  /** True when nothing was found at `inputSize` and the tight-crop retry ran. */
  retried: boolean;
  /** Milliseconds per stage: decode (input → bitmap), preprocess, inference, postprocess. */
  timings: StageTimings;
}

/** What the FaceKit runs on, and why. */
export interface FaceKitInfo {
  backend: Backend;
  backendReason: string;
  /** WebGPU adapter description, when one was probed. */
  adapter?: string;
  workers: number;
  threadsPerWorker: number;
  threadsReason: string;
  crossOriginIsolated: boolean;
  detector: string;
  recognizer: string;
  livenessModels: string[];
  eyeStateModel: string;
  /** The model answering each attribute. */
  attributeModels: Record<AttributeKind, string>;
  /** The recognizer whose embedding the gender head stacks with `attributeModels.gender`; null: that model alone (`genderHead` option). */
  genderHead: string | null;
  /**
   * The licence of every model this kit may run. Any with `commercialUse: false` (InsightFace's:
   * non-commercial research only) must not ship in a product: `pack: 'commercial_s'` avoids
   * them. The kit also says so once, on the console, when it is created.
   */
  licences: { model: string; licence: string; commercialUse: boolean }[];
  /**
   * Where downloaded models are kept. `'memory'` when IndexedDB is unusable here (some private
   * modes, blocked storage, a disk error): models are then downloaded again by every new kit.
   */
  storage: 'indexeddb' | 'memory';
  /** Things that work, but not as well as they should (storage fell back, a model could not be cached, models evicted for quota). Newest last. */
  warnings: string[];
}

/** Download/cache progress of one model file plus all files of the current load. */
export interface ProgressEvent {
  model: string;
  file: string;
  status: 'download' | 'cached' | 'ready';
  /** Bytes of this file so far / in all (total 0 when unknown). */
  loaded: number;
  total: number;
  /** Bytes of every file in this load so far / in all. */
  overallLoaded: number;
  overallTotal: number;
}

/** A face with its embedding, as `analyze` returns it. */
export interface AnalyzedFace extends Face {
  /** L2-normalised embedding (512 floats for ArcFace-style models). */
  embedding: Float32Array;
  /** With `liveness: true`: the fused real-face score (0–1), whether it passes the threshold, and each model's score. */
  liveness?: { score: number; isReal: boolean; perModel: Record<string, number> };
  /** With `attributes`: the ones asked for. */
  attributes?: FaceAttributes;
}

/** The result of `analyze`: detection and embeddings from one worker round trip. */
export interface Analysis extends Omit<Detection, 'faces'> {
  faces: AnalyzedFace[];
  /** The recognizer the embeddings came from. */
  recognizer: string;
  /** Milliseconds of the embedding stage (all faces together). */
  embeddingTimings: { preprocess: number; inference: number; postprocess: number };
  /** Milliseconds of passive liveness (all faces), with `liveness: true`. */
  livenessMs?: number;
  /** Milliseconds per attribute model (all faces), with `attributes`. */
  attributeTimings?: Record<string, number>;
}

/** An aligned face crop, as `align` returns it. */
export interface AlignedFace {
  /** The crop (size × size RGBA), ready for `putImageData` or `embed`. */
  image: ImageData;
  /** Source → crop pixel map `[a, b, tx, c, d, ty]`: x' = a·x + b·y + tx, y' = c·x + d·y + ty. */
  matrix: [number, number, number, number, number, number];
}
