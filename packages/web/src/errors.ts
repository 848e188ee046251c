// Every error class an app can meet: the base family from @facekit/core (core throws them too),
// re-exported as the same class objects so `instanceof` holds whichever package an app imports
// them from; the camera's and the verifier's own (only the web package meets those); and the
// worker-boundary (de)serialization.
import {
  FaceKitError, InvalidInputError, InvalidOptionError, ModelIntegrityError, ModelFetchError, BackendError, WorkerCrashedError,
  DisposedError, AbortedError, QueueFullError, StorageError, type FaceKitErrorCode,
} from '@facekit/core';

export {
  FACEKIT_ERROR_CODES, FaceKitError, InvalidInputError, InvalidOptionError, ModelIntegrityError, ModelFetchError, BackendError,
  WorkerCrashedError, DisposedError, AbortedError, QueueFullError, StorageError, type FaceKitErrorCode, type BlockingHint,
} from '@facekit/core';
export { CameraDeniedError, NoCameraError, CameraInUseError, UnsupportedBrowserError } from './media/camera-errors.js';
export { VerificationTimeoutError, LivenessError, NotEnrolledError } from './verifier/verifier-errors.js';

/** An error as it crosses the worker boundary: plain data. */
export interface SerializedError {
  name: string;
  code: FaceKitErrorCode;
  message: string;
  /** Extra fields of the typed error (url, hashes, status, limit). */
  details?: Record<string, string | number | null>;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof ModelIntegrityError) {
    return { name: e.name, code: e.code, message: e.message, details: { url: e.url, expectedSha256: e.expectedSha256, actualSha256: e.actualSha256 } };
  }
  if (e instanceof ModelFetchError) return { name: e.name, code: e.code, message: e.message, details: { url: e.url, status: e.status } };
  if (e instanceof QueueFullError) return { name: e.name, code: e.code, message: e.message, details: { limit: e.limit } };
  if (e instanceof FaceKitError) return { name: e.name, code: e.code, message: e.message };
  // Core throws only FaceKitErrors, so anything else is a bug or a platform failure.
  const err = e instanceof Error ? e : new Error(String(e));
  return { name: 'FaceKitError', code: 'INTERNAL', message: `${err.name}: ${err.message}` };
}

/** Rebuilds the typed error on the calling side. */
export function deserializeError(s: SerializedError): FaceKitError {
  const d = s.details ?? {};
  switch (s.code) {
    case 'MODEL_INTEGRITY': return new ModelIntegrityError(String(d.url), String(d.expectedSha256), String(d.actualSha256));
    case 'MODEL_FETCH': {
      const e = new ModelFetchError(String(d.url), typeof d.status === 'number' ? d.status : null, '');
      e.message = s.message;
      return e;
    }
    case 'INVALID_INPUT': return new InvalidInputError(s.message);
    case 'INVALID_OPTION': return new InvalidOptionError(s.message);
    case 'BACKEND': return new BackendError(s.message);
    case 'WORKER_CRASHED': return new WorkerCrashedError(s.message);
    case 'DISPOSED': return new DisposedError(s.message);
    case 'ABORTED': return new AbortedError(s.message);
    case 'QUEUE_FULL': {
      const e = new QueueFullError(typeof d.limit === 'number' ? d.limit : Number.NaN);
      e.message = s.message;
      return e;
    }
    case 'STORAGE': return new StorageError(s.message);
    default: return new FaceKitError(s.code, s.message);
  }
}
