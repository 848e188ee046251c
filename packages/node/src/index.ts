export { createFaceKit, type NodeFaceKit, type NodeFaceKitOptions, type NodeAnalyzedFace } from './create-face-kit.js';
export { decodeImage, type DecodeOptions, type NodeImageInput } from './decode.js';
export { createAttemptLimiter, type AttemptLimiter, type AttemptLimiterOptions } from './server/attempt-limiter.js';
export { DEFAULT_MODEL_DIR, chooseModelDir } from './model-dir.js';
export type { RgbaImage } from './pixels.js';
export * from '@facekit/core';
export { createPgGallery, type PgGallery, type PgGalleryOptions, type PgGalleryStorage } from './gallery/pg-gallery.js';
export { openGalleryDatabase, type GalleryDatabase } from './gallery/gallery-database.js';
export { recheckFrames, type RecheckOptions, type RecheckReason, type RecheckResult } from './verifier/recheck.js';
