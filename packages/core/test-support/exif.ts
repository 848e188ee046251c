// Moved to @facekit/test-support (packages/test-support/src/exif.ts). This re-export keeps core's
// tests, which import '../../test-support/exif.js', working until they import the package name.
export * from '@facekit/test-support/exif';
