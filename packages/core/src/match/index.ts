export * from './vector.js';
// Explicit list: gallery.ts also exports internal hooks (setGallerySearchPath,
// gallerySearchInfo) for tests and benchmarks that are not part of the package API.
export { checkSearchArgs, createGallery, galleryFromJSON, type Gallery, type GalleryJSON, type GalleryMatch } from './gallery.js';
export * from './thresholds.js';
export { checkEmbedding } from './embedding-check.js';
