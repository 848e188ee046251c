export { createFaceKit, listCachedModels, clearModelCache, type FaceKit, type FaceLike } from './api/create-face-kit.js';
export type { FaceKitOptions, DetectCallOptions, DetectOptions, BackendOption, AnalyzeCallOptions, EmbedCallOptions, VerifyOptions } from './api/options.js';
export type { Face, Detection, FaceKitInfo, ProgressEvent, Box, Point, Keypoints5, StageTimings, AnalyzedFace, Analysis, AlignedFace } from './api/types.js';
export {
  FaceKitError, InvalidInputError, InvalidOptionError, ModelIntegrityError, ModelFetchError,
  BackendError, WorkerCrashedError, DisposedError, AbortedError, type FaceKitErrorCode,
} from './api/errors.js';
export type { ImageInput } from './media/input.js';
export type { CachedModel } from './store/model-cache.js';
export { drawFaces, type DrawStyle } from './media/overlay.js';
export {
  MODELS, PACKS, listModels, getModel, getPack, type ModelSpec, type ModelId,
  createGallery, galleryFromJSON, cosineSimilarity, thresholdFor, CALIBRATIONS, DEFAULT_FAR,
  type Gallery, type GalleryJSON, type GalleryMatch, type MatchResult,
} from '@facekit/core';
