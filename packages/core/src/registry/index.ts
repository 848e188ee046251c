export * from './types.js';
export * from './models.js';
export * from './model-option.js';
