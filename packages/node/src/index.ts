export { createFaceKit, type NodeFaceKit, type NodeFaceKitOptions, type NodeAnalyzedFace } from './create-face-kit.js';
export { decodeImage, type NodeImageInput } from './decode.js';
export type { RgbaImage } from './pixels.js';
export * from '@facekit/core';
