export * from './letterbox.js';
export * from './resize.js';
export * from './normalize.js';
export * from './warp.js';
export * from './pool-planes.js';
export * from './encoded-size.js';
export * from './content-rect.js';
