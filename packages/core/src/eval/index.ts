export * from './fddb.js';
export * from './detection-metrics.js';
