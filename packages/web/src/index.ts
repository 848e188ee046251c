export { createFaceKit, listCachedModels, clearModelCache, type FaceKit } from './api/create-face-kit.js';
export type { FaceKitOptions, DetectCallOptions, DetectOptions, BackendOption } from './api/options.js';
export type { Face, Detection, FaceKitInfo, ProgressEvent, Box, Point, Keypoints5, StageTimings } from './api/types.js';
export {
  FaceKitError, InvalidInputError, InvalidOptionError, ModelIntegrityError, ModelFetchError,
  BackendError, WorkerCrashedError, DisposedError, AbortedError, type FaceKitErrorCode,
} from './api/errors.js';
export type { ImageInput } from './media/input.js';
export type { CachedModel } from './store/model-cache.js';
export { drawFaces, type DrawStyle } from './media/overlay.js';
export { MODELS, PACKS, listModels, getModel, type ModelSpec, type ModelId } from '@facekit/core';
