export * from './face-crops.js';
export * from './gender-head.js';
export * from './gender-heads.js';
