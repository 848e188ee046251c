export * from './face-crops.js';
