import { describe, expect, it } from 'vitest';
import { headPoseFromKeypoints } from '../geometry/head-pose.js';
import type { Keypoints5 } from '../model-io/detection-types.js';
import { poseHint } from './pose-hint.js';

const LIMITS = { maxYaw: 30, maxPitch: 25 };

describe('poseHint', () => {
  it('says nothing within the limits, and corrects the axis furthest past its limit', () => {
    expect(poseHint({ yaw: 29, pitch: -24, roll: 40 }, LIMITS)).toBeUndefined();
    expect(poseHint({ yaw: 40, pitch: 26, roll: 0 }, LIMITS)).toBe('turn-right');
    expect(poseHint({ yaw: -31, pitch: 10, roll: 0 }, LIMITS)).toBe('turn-left');
    expect(poseHint({ yaw: 31, pitch: 30, roll: 0 }, LIMITS)).toBe('chin-down');
    expect(poseHint({ yaw: 0, pitch: -30, roll: 0 }, LIMITS)).toBe('chin-up');
  });

  it('a face whose nose points to the image\'s right (the person\'s left) is told to turn right', () => {
    // Eyes level, nose and mouth shifted to the image's right: the head is turned that way.
    const kps: Keypoints5 = [[100, 100], [160, 100], [158, 135], [118, 160], [162, 160]];
    const pose = headPoseFromKeypoints(kps);
    expect(pose.yaw).toBeGreaterThan(30);
    expect(poseHint(pose, LIMITS)).toBe('turn-right');
  });
});
