export * from './detection-types.js';
export * from './scrfd.js';
export * from './yunet.js';
