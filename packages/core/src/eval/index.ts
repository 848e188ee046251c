export * from './fddb.js';
export * from './detection-metrics.js';
export * from './lfw.js';
export * from './verification-metrics.js';
export * from './person-folds.js';
