// Moved to @facekit/test-support (packages/test-support/src/node.ts). This re-export keeps core's
// tests, which import '../../test-support/node.js', working until they import the package name.
export * from '@facekit/test-support/node';
