export * from './types.js';
export * from './models.js';
