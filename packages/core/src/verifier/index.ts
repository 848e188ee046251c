export * from './verification-window.js';
export * from './frame-fingerprint.js';
