// Which way a turned head should move to face the camera, told in the person's own left and
// right: the camera sees them mirror-wise, and a preview may or may not be mirrored, so "your
// left" is the one instruction that means the same thing on every screen.
import type { HeadPose } from '../geometry/head-pose.js';

/** 'turn-left' / 'turn-right': turn the head to your own left / right; 'chin-up' / 'chin-down': raise / lower the chin. */
export type PoseHint = 'turn-left' | 'turn-right' | 'chin-up' | 'chin-down';

/**
 * The correction for `pose` (image orientation, {@link HeadPose}) past `maxYaw` / `maxPitch`: the
 * axis furthest past its limit (relative to the limit) is corrected first; undefined within both.
 */
export function poseHint(pose: Readonly<HeadPose>, limits: { maxYaw: number; maxPitch: number }): PoseHint | undefined {
  const yawOver = Math.abs(pose.yaw) / Math.max(limits.maxYaw, 1e-9);
  const pitchOver = Math.abs(pose.pitch) / Math.max(limits.maxPitch, 1e-9);
  if (yawOver <= 1 && pitchOver <= 1) return undefined;
  // yaw > 0: the nose points to the image's right, which is the person's own left: turn right.
  if (yawOver >= pitchOver) return pose.yaw > 0 ? 'turn-right' : 'turn-left';
  return pose.pitch > 0 ? 'chin-down' : 'chin-up';
}
