// The public types of <facekit-verify>: its events' details, its config and its surface.
import type { FaceKit } from '../api/face-kit.js';
import type { FaceKitOptions } from '../api/options.js';
import type { FaceKitErrorCode } from '../errors.js';
import type { CameraOptions } from '../media/camera.js';
import type { VerifierHint, VerifierOptions, VerifyReason } from '../verifier/verifier.js';
import type { FaceKitVerifyMessages } from './verify-messages.js';

export interface FaceKitEnrolledDetail { id: string; frames: number; livenessScore: number | undefined }
export interface FaceKitVerifiedDetail {
  id: string;
  /** The verdict: the same person and live. Hosts act on this, not on isMatch alone. */
  verified: boolean;
  /** Why `verified` is false ('no-match', 'not-live'); empty when verified. */
  reasons: VerifyReason[];
  isMatch: boolean; similarity: number; threshold: number; far: number | undefined; live: boolean; livenessScore: number | undefined;
}
export interface FaceKitHintDetail { code: VerifierHint }
/** `message` is for the developer (English, with numbers); the element shows the code's `error.CODE` sentence. */
export interface FaceKitErrorDetail { code: FaceKitErrorCode; message: string }
/** Where a run is: model bytes while they load (from the cache too), the camera opening, then every processed frame. */
export type FaceKitProgressDetail =
  | { stage: 'models'; loaded: number; total: number }
  | { stage: 'camera' }
  | { stage: 'frames'; phase: 'enroll' | 'verify'; hint: VerifierHint; goodFrames: number; neededFrames: number; turnProgress?: number };

/** The element's events, for `addEventListener` typing. */
export interface FaceKitVerifyEventMap {
  'facekit-progress': CustomEvent<FaceKitProgressDetail>;
  'facekit-enrolled': CustomEvent<FaceKitEnrolledDetail>;
  'facekit-verified': CustomEvent<FaceKitVerifiedDetail>;
  'facekit-hint': CustomEvent<FaceKitHintDetail>;
  'facekit-error': CustomEvent<FaceKitErrorDetail>;
}

/**
 * Options beyond the attributes, read at each start(). An attribute that is present wins over
 * the same option here (asset-base-url and pack over `kit`, liveness and far over `verifier`).
 */
export interface FaceKitVerifyConfig {
  /** `createFaceKit` options (not used while the element runs on a `kit` you gave it). */
  kit?: Omit<FaceKitOptions, 'signal' | 'onProgress'>;
  /** `kit.createVerifier` options. */
  verifier?: Omit<VerifierOptions, 'onProgress' | 'preload'>;
  /** `openCamera` options (size, frame rate); the device comes from the camera attribute or the picker. */
  camera?: Omit<CameraOptions, 'signal' | 'deviceId' | 'facing'>;
}

/** The public surface of `<facekit-verify>`. */
export interface FaceKitVerifyElement extends HTMLElement {
  /** Starts the camera and one enroll or verify (as `mode` says); resolves when it ends. */
  start(): Promise<void>;
  /** Stops the run in progress and the camera. */
  stop(): Promise<void>;
  /** Replacement texts (merged over the English defaults): a partial set or a whole locale. */
  messages: Partial<FaceKitVerifyMessages>;
  /** Options beyond the attributes; a change applies at the next start(). */
  config: FaceKitVerifyConfig;
  /**
   * The kit the element runs on. Set it to share your kit (models loaded once for the page); the
   * element never disposes a kit it was given. Unset, it creates its own at the first start().
   */
  kit: FaceKit | undefined;
  addEventListener<K extends keyof FaceKitVerifyEventMap>(type: K, listener: (this: FaceKitVerifyElement, ev: FaceKitVerifyEventMap[K]) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}
