export * from './model-spec.js';
export * from './model-registry.js';
export * from './model-option.js';
