// The one error family of facekit. It lives in core (no DOM needed) so that core's own checks
// and the web package throw the same classes: `instanceof` works whichever package is imported.

/** Every {@link FaceKitErrorCode}, for exhaustive checks (tests, logs, `switch` fallbacks). */
export const FACEKIT_ERROR_CODES = [
  'INVALID_INPUT',
  'INVALID_OPTION',
  'MODEL_INTEGRITY',
  'MODEL_FETCH',
  'BACKEND',
  'WORKER_CRASHED',
  'DISPOSED',
  'ABORTED',
  'CAMERA_DENIED',
  'NO_CAMERA',
  'CAMERA_IN_USE',
  'UNSUPPORTED_BROWSER',
  'TIMEOUT',
  'NOT_LIVE',
  'NOT_ENROLLED',
  'QUEUE_FULL',
  'STORAGE',
  'INTERNAL',
] as const;

/** What went wrong, as a stable string for `switch`es and logs. */
export type FaceKitErrorCode = (typeof FACEKIT_ERROR_CODES)[number];

/** Base of every error facekit throws. `code` survives the worker boundary. */
export class FaceKitError extends Error {
  readonly code: FaceKitErrorCode;
  constructor(code: FaceKitErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'FaceKitError';
  }
}

/**
 * Data given to a call cannot be used: an image that is the wrong type, empty, undecodable or
 * closed; an embedding of the wrong length or with NaN/zero values; malformed gallery JSON; bad keypoints.
 */
export class InvalidInputError extends FaceKitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_INPUT', message, options);
    this.name = 'InvalidInputError';
  }
}

/** An option has a value that cannot work (unknown model, size out of range, …). */
export class InvalidOptionError extends FaceKitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_OPTION', message, options);
    this.name = 'InvalidOptionError';
  }
}

/** Downloaded model bytes do not have the registered SHA-256. Nothing was cached. */
export class ModelIntegrityError extends FaceKitError {
  readonly url: string;
  readonly expectedSha256: string;
  readonly actualSha256: string;
  constructor(url: string, expectedSha256: string, actualSha256: string) {
    super('MODEL_INTEGRITY', `Model file ${url} has SHA-256 ${actualSha256}, expected ${expectedSha256}. ` +
      'It was not cached. Check that modelBaseUrl serves the exact registered file (not an HTML error page or a re-export).');
    this.name = 'ModelIntegrityError';
    this.url = url;
    this.expectedSha256 = expectedSha256;
    this.actualSha256 = actualSha256;
  }
}

/** A model file could not be downloaded (HTTP error or network failure). */
export class ModelFetchError extends FaceKitError {
  readonly url: string;
  readonly status: number | null;
  constructor(url: string, status: number | null, detail: string) {
    super('MODEL_FETCH', `Could not download model file ${url}: ${detail}. Check modelBaseUrl and that the file is served (CORS/CORP headers if it is on another origin).`);
    this.name = 'ModelFetchError';
    this.url = url;
    this.status = status;
  }
}

/** The requested backend cannot run here (no WebGPU, ORT failed to start, …). */
export class BackendError extends FaceKitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('BACKEND', message, options);
    this.name = 'BackendError';
  }
}

/** A worker died while it held this call; the pool replaces the worker. */
export class WorkerCrashedError extends FaceKitError {
  constructor(message: string) {
    super('WORKER_CRASHED', message);
    this.name = 'WorkerCrashedError';
  }
}

/** The FaceKit was disposed before or during this call. */
export class DisposedError extends FaceKitError {
  constructor(message = 'This FaceKit has been disposed; create a new one with createFaceKit().') {
    super('DISPOSED', message);
    this.name = 'DisposedError';
  }
}

/** The call's AbortSignal fired. */
export class AbortedError extends FaceKitError {
  constructor(message = 'The operation was aborted.') {
    super('ABORTED', message);
    this.name = 'AbortedError';
  }
}

/** The user (or a permissions policy) refused the camera. Ask again after they allow it in the site settings. */
export class CameraDeniedError extends FaceKitError {
  constructor(message = 'Camera access was denied. Allow the camera for this site (address bar → site settings) and try again.', options?: { cause?: unknown }) {
    super('CAMERA_DENIED', message, options);
    this.name = 'CameraDeniedError';
  }
}

/** No camera matches the request (none attached, or the requested deviceId is gone). */
export class NoCameraError extends FaceKitError {
  constructor(message = 'No camera was found. Connect a camera, or pick another one from listCameras().', options?: { cause?: unknown }) {
    super('NO_CAMERA', message, options);
    this.name = 'NoCameraError';
  }
}

/** The camera exists but could not be started: another application (or tab) is using it, or the hardware failed. */
export class CameraInUseError extends FaceKitError {
  constructor(message = 'The camera could not be started: another application or tab is probably using it. Close it and try again.', options?: { cause?: unknown }) {
    super('CAMERA_IN_USE', message, options);
    this.name = 'CameraInUseError';
  }
}

/** The browser lacks something facekit needs (camera API, VideoFrame, OffscreenCanvas, workers, …). */
export class UnsupportedBrowserError extends FaceKitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('UNSUPPORTED_BROWSER', message, options);
    this.name = 'UnsupportedBrowserError';
  }
}

/** A hint code the quality gate or a liveness check reported, and on how many frames. */
export interface BlockingHint { code: string; frames: number }

/** A watch (enroll, verify, identify) ran out of time; `hints` says what blocked it, most frequent first. */
export class VerificationTimeoutError extends FaceKitError {
  readonly hints: BlockingHint[];
  readonly timeoutMs: number;
  constructor(timeoutMs: number, hints: BlockingHint[]) {
    const what = hints.length ? hints.map((h) => `${h.code} (${h.frames} frames)`).join(', ') : 'no frames were processed';
    super('TIMEOUT', `No decision within ${timeoutMs} ms; blocked by: ${what}.`);
    this.name = 'VerificationTimeoutError';
    this.hints = hints;
    this.timeoutMs = timeoutMs;
  }
}

/** Enrollment saw enough good frames, but passive liveness says they show a presentation attack (photo, screen). Nothing was stored. */
export class LivenessError extends FaceKitError {
  readonly score: number;
  readonly threshold: number;
  /** `outcome`: what did not happen because of it (enroll: 'Nothing was enrolled.'). */
  constructor(score: number, threshold: number, outcome = 'Nothing was enrolled.') {
    super('NOT_LIVE', `The face did not pass the liveness check (score ${score.toFixed(3)} < ${threshold}); it looks like a photo or a screen. ${outcome}`);
    this.name = 'LivenessError';
    this.score = score;
    this.threshold = threshold;
  }
}

/** `verify` was asked about an id that has no enrollment. */
export class NotEnrolledError extends FaceKitError {
  readonly id: string;
  constructor(id: string) {
    super('NOT_ENROLLED', `Nobody is enrolled as "${id}". Call enroll(source, { id }) first (list() shows who is).`);
    this.name = 'NotEnrolledError';
    this.id = id;
  }
}

/** Too many calls are queued for the workers; the call was refused without running. */
export class QueueFullError extends FaceKitError {
  readonly limit: number;
  constructor(limit: number) {
    super('QUEUE_FULL', `Too many calls are waiting (limit ${limit}); wait for some to settle, or raise maxQueue in createFaceKit().`);
    this.name = 'QueueFullError';
    this.limit = limit;
  }
}

/** IndexedDB failed: private mode, blocked by another tab, quota exceeded, disk error. */
export class StorageError extends FaceKitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORAGE', message, options);
    this.name = 'StorageError';
  }
}
