export * from './verification-window.js';
