export * from './vector.js';
export * from './gallery.js';
export * from './thresholds.js';
