export * from './registry/index.js';
export * from './image/index.js';
export * from './geometry/index.js';
export * from './models/index.js';
export * from './pipeline/index.js';
export * from './eval/index.js';
export * from './util/sha256.js';
export * from './match/index.js';
