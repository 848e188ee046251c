// Moved to @facekit/test-support (packages/test-support/src/random.ts). This re-export keeps core's
// tests, which import '../../test-support/random.js', working until they import the package name.
export * from '@facekit/test-support/random';
