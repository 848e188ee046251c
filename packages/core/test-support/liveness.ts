// Moved to @facekit/test-support (packages/test-support/src/liveness.ts). This re-export keeps core's
// tests, which import '../../test-support/liveness.js', working until they import the package name.
export * from '@facekit/test-support/liveness';
