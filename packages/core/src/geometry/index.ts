export * from './box.js';
export * from './nms.js';
export * from './similarity-transform.js';
export * from './head-pose.js';
export * from './keypoint-box.js';
export * from './homography.js';
