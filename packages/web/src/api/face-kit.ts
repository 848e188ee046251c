// The public shape of a kit: what `createFaceKit` resolves to.
import type { Gallery, Keypoints5, MatchResult } from '@facekit/core';
import type { AnalyzeCallOptions, DetectCallOptions, EmbedCallOptions, VerifyOptions } from './options.js';
import type { AlignedFace, Analysis, Detection, FaceKitInfo } from './result-types.js';
import type { ImageInput } from '../media/input.js';
import type { CachedModel } from '../store/model-cache.js';
import type { VideoSource } from '../video/frame-source.js';
import type { VideoLoop, VideoLoopOptions } from '../video/video-loop.js';
import type { Verifier, VerifierOptions } from '../verifier/verifier.js';

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
