// Moved to @facekit/test-support (packages/test-support/src/random.ts). This re-export keeps core's
// tests working, which still reach this file by a relative path, until they use the package name.
export * from '@facekit/test-support/random';
