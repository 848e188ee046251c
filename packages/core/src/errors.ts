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
  /** `hint`: what to do about it, in the caller's terms (Node reads files, not modelBaseUrl). */
  constructor(url: string, expectedSha256: string, actualSha256: string, hint?: string) {
    super('MODEL_INTEGRITY', `Model file ${url} has SHA-256 ${actualSha256}, expected ${expectedSha256}. ` +
      (hint ?? 'It was not cached. Check that modelBaseUrl serves the exact registered file (not an HTML error page or a re-export).'));
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
  /** `hint`: what to do about it, in the caller's terms (Node reads files, not modelBaseUrl). */
  constructor(url: string, status: number | null, detail: string, hint?: string) {
    super('MODEL_FETCH', `Could not download model file ${url}: ${detail}. ${hint ?? 'Check modelBaseUrl and that the file is served (CORS/CORP headers if it is on another origin).'}`);
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
