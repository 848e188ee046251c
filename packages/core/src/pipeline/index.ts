export * from './detection.js';
export * from './recognition.js';
export * from './liveness.js';
export * from './frame.js';
export * from './eye-state.js';
export * from './liveness-threshold.js';
export * from './attributes.js';
export * from './model-crop.js';
