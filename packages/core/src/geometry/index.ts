export * from './box.js';
export * from './nms.js';
