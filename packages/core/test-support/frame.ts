// Moved to @facekit/test-support (packages/test-support/src/frame.ts). This re-export keeps core's
// tests, which import '../../test-support/frame.js', working until they import the package name.
export * from '@facekit/test-support/frame';
