export * from './detection.js';
