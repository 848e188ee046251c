export { createFaceKit, listCachedModels, clearModelCache, type FaceKit, type FaceLike } from './api/create-face-kit.js';
export type { FaceKitOptions, DetectCallOptions, DetectOptions, BackendOption, AnalyzeCallOptions, EmbedCallOptions, VerifyOptions } from './api/options.js';
export type { Face, Detection, FaceKitInfo, ProgressEvent, Box, Point, Keypoints5, StageTimings, AnalyzedFace, Analysis, AlignedFace } from './api/result-types.js';
export {
  FaceKitError, InvalidInputError, InvalidOptionError, ModelIntegrityError, ModelFetchError,
  BackendError, WorkerCrashedError, DisposedError, AbortedError, CameraDeniedError, NoCameraError, CameraInUseError,
  UnsupportedBrowserError, VerificationTimeoutError, LivenessError, NotEnrolledError, QueueFullError, StorageError,
  type FaceKitErrorCode, type BlockingHint,
} from './errors.js';
export { openCamera, listCameras, type Camera, type CameraOptions, type CameraInfo } from './media/camera.js';
export type { VideoSource, FrameSourceStats } from './video/frame-source.js';
export type { VideoLoop, VideoLoopOptions, VideoLoopStats, VideoFrameResult, VideoFace } from './video/video-loop.js';
export type {
  Verifier, VerifierOptions, VerifierProgress, VerifierHint, LivenessMode, WatchOptions, EnrollResult, VerifyResult, IdentifyResult, VerifyReason, CaptureResult, HeadTurnSide,
} from './verifier/verifier.js';
export type { FaceTemplate } from './verifier/template-store.js';
export type { ImageInput } from './media/input.js';
export type { CachedModel } from './store/model-cache.js';
export type { ModelFetchPolicy } from './store/model-store.js';
export type { Backend } from './runtime/backend.js';
export { drawFaces, type DrawStyle } from './media/overlay.js';
export {
  MODELS, PACKS, listModels, getModel, getPack, type ModelSpec, type ModelId,
  createGallery, galleryFromJSON, cosineSimilarity, thresholdFor, CALIBRATIONS, DEFAULT_FAR,
  type Gallery, type GalleryJSON, type GalleryMatch, type MatchResult, type EmbeddingLike,
  DEFAULT_LIVENESS_THRESHOLD, DEFAULT_QUALITY_THRESHOLDS, type QualityCode, type QualityReport, type QualityThresholds,
  type FaceMeasures, type FrameFace,
  ATTRIBUTE_KINDS, EXPRESSIONS, headPoseFromKeypoints, keypointsFrom68, keypointAgreement,
  type AttributeKind, type FaceAttributes, type Expression, type ExpressionResult, type GenderResult, type HeadPose, type EyeState,
} from '@facekit/core';
export {
  defineFaceKitVerify, type FaceKitVerifyElement, type FaceKitVerifyEventMap,
  type FaceKitEnrolledDetail, type FaceKitVerifiedDetail, type FaceKitHintDetail, type FaceKitErrorDetail,
  type FaceKitProgressDetail, type FaceKitVerifyConfig,
} from './element/facekit-verify.js';
export { DEFAULT_VERIFY_MESSAGES, DEFAULT_HINT_MESSAGES, DEFAULT_ERROR_MESSAGES, type FaceKitVerifyMessages } from './element/verify-messages.js';
