export * from './detection-types.js';
export * from './scrfd.js';
export * from './yunet.js';
export * from './arcface.js';
export * from './minifasnet.js';
export * from './eye-state.js';
