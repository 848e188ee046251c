export * from './measures.js';
export * from './quality-gate.js';
