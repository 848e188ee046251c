export * from './one-euro.js';
export * from './tracker.js';
