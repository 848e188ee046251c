export * from './measures.js';
export * from './quality-gate.js';
export * from './eyes-closed-filter.js';
export * from './eye-aspect-ratio.js';
export * from './pose-hint.js';
