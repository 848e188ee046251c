export * from './blink.js';
export * from './head-turn.js';
export * from './score-window.js';
export * from './crop-anchor.js';
