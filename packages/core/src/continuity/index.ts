export * from './scene-signature.js';
export * from './scene-continuity.js';
export * from './burst.js';
