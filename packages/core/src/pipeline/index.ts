export * from './detection.js';
export * from './recognition.js';
