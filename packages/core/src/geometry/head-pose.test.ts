import { describe, expect, it } from 'vitest';
import type { Keypoints5 } from '../model-io/detection-types.js';
import type { Point } from './box.js';
import { FACE_MODEL_MOUTH_DEPTH, FACE_MODEL_NOSE_DEPTH, headPoseFromKeypoints } from './head-pose.js';
import { ARCFACE_TEMPLATE_112 } from './similarity-transform.js';

type V3 = [x: number, y: number, z: number];
const RAD = Math.PI / 180;

/**
 * R = Rz(roll)·Ry(yaw)·Rx(pitch) in image axes (x right, y down, z towards the camera): pitch
 * first (looking up lifts the nose, z > 0, towards smaller y), then yaw (the nose goes right),
 * then roll (clockwise on screen).
 */
function rotate([x, y, z]: V3, yaw: number, pitch: number, roll: number): V3 {
  const cp = Math.cos(pitch * RAD), sp = Math.sin(pitch * RAD);
  [y, z] = [y * cp - z * sp, y * sp + z * cp];
  const cy = Math.cos(yaw * RAD), sy = Math.sin(yaw * RAD);
  [x, z] = [x * cy + z * sy, -x * sy + z * cy];
  const cr = Math.cos(roll * RAD), sr = Math.sin(roll * RAD);
  [x, y] = [x * cr - y * sr, x * sr + y * cr];
  return [x, y, z];
}

/** Orthographic (scale px per model unit), or perspective with focal `f` px at `distance` units. */
function project(model: readonly V3[], yaw: number, pitch: number, roll: number, scale: number, perspective?: { f: number; distance: number }): Keypoints5 {
  return model.map((p): Point => {
    const [x, y, z] = rotate(p, yaw, pitch, roll);
    const s = perspective ? perspective.f / (perspective.distance - z) : scale;
    return [320 + x * s, 240 + y * s];
  }) as Keypoints5;
}

/**
 * MediaPipe's canonical face (canonical_face_model.obj, cm; y flipped to point down): eye =
 * mean of each eye's 16 contour vertices, nose tip = vertex 1, mouth corners = 61 and 291.
 * Its proportions differ from the ArcFace template the estimator takes as frontal: its nose
 * sits lower between the eyes and the mouth (0.54 of the drop vs 0.49).
 */
const MEDIAPIPE_FACE: readonly V3[] = [
  [-3.1601, -2.6431, 3.6261], [3.1601, -2.6431, 3.6261], [0, 1.1269, 7.4756], [-2.4562, 4.3426, 4.2839], [2.4562, 4.3426, 4.2839],
];

/** The estimator's own model: the ArcFace template made symmetric, with its depths (half-IOD units). */
const OWN_FACE: readonly V3[] = (() => {
  const t = ARCFACE_TEMPLATE_112;
  const a = (t[1]![0] - t[0]![0]) / 2, ey = (t[0]![1] + t[1]![1]) / 2, my = (t[3]![1] + t[4]![1]) / 2;
  const m = (t[4]![0] - t[3]![0]) / 2 / a;
  return [[-1, 0, 0], [1, 0, 0], [0, (t[2]![1] - ey) / a, FACE_MODEL_NOSE_DEPTH], [-m, (my - ey) / a, FACE_MODEL_MOUTH_DEPTH], [m, (my - ey) / a, FACE_MODEL_MOUTH_DEPTH]];
})();

const YAWS = [-30, -20, -10, 0, 10, 20, 30];
const PITCHES = [-15, 0, 15];

function grid(fn: (yaw: number, pitch: number, roll: number) => void): void {
  for (const yaw of YAWS) for (const pitch of PITCHES) for (const roll of [0, -12, 20]) fn(yaw, pitch, roll);
}

describe('headPoseFromKeypoints', () => {
  it('reads the ArcFace template itself as frontal', () => {
    const t = ARCFACE_TEMPLATE_112;
    const p = headPoseFromKeypoints([t[0]!, t[1]!, t[2]!, t[3]!, t[4]!]);
    expect(Math.abs(p.yaw)).toBeLessThan(0.01);
    expect(Math.abs(p.pitch)).toBeLessThan(1e-9);
    expect(p.roll).toBeCloseTo(-0.317, 3); // the template's eyes are 0.19 px off level
  });

  it('reads the template turned 20° clockwise (and moved, scaled ×3) as roll ≈ 20, yaw and pitch unchanged', () => {
    const c = Math.cos(20 * RAD), s = Math.sin(20 * RAD);
    const kps = ARCFACE_TEMPLATE_112.map(([x, y]): Point => [500 + 3 * (x * c - y * s), 100 + 3 * (x * s + y * c)]) as Keypoints5;
    const p = headPoseFromKeypoints(kps);
    expect(p.roll).toBeCloseTo(20 - 0.317, 3);
    expect(Math.abs(p.yaw)).toBeLessThan(0.01);
    expect(Math.abs(p.pitch)).toBeLessThan(1e-6);
  });

  it('follows the sign conventions: nose right → yaw > 0, nose up → pitch > 0, right eye lower → roll > 0', () => {
    const p = headPoseFromKeypoints(project(MEDIAPIPE_FACE, 25, 10, 15, 10));
    expect(p.yaw).toBeGreaterThan(20);
    expect(p.pitch).toBeGreaterThan(0);
    expect(p.roll).toBeGreaterThan(10);
    const q = headPoseFromKeypoints(project(MEDIAPIPE_FACE, -25, -10, -15, 10));
    expect(q.yaw).toBeLessThan(-20);
    expect(q.pitch).toBeLessThan(-10);
    expect(q.roll).toBeLessThan(-10);
  });

  it('is exact (to 1e-4°) for its own model under orthographic projection (yaw ±30, pitch ±15, roll)', () => {
    grid((yaw, pitch, roll) => {
      const p = headPoseFromKeypoints(project(OWN_FACE, yaw, pitch, roll, 40));
      expect(p.yaw).toBeCloseTo(yaw, 4);
      expect(p.pitch).toBeCloseTo(pitch, 4);
      expect(p.roll).toBeCloseTo(roll, 6);
    });
  });

  it('on MediaPipe’s face (other proportions), orthographic: yaw within 1°, pitch within 1° after a constant −5.3° offset', () => {
    const frontal = headPoseFromKeypoints(project(MEDIAPIPE_FACE, 0, 0, 0, 10)).pitch;
    expect(frontal).toBeCloseTo(-5.3, 1); // its lower nose reads as looking down a little
    let yawErr = 0, pitchErr = 0;
    grid((yaw, pitch, roll) => {
      const p = headPoseFromKeypoints(project(MEDIAPIPE_FACE, yaw, pitch, roll, 10));
      yawErr = Math.max(yawErr, Math.abs(p.yaw - yaw));
      pitchErr = Math.max(pitchErr, Math.abs(p.pitch - frontal - pitch));
      expect(p.roll).toBeCloseTo(roll, 6);
    });
    expect(yawErr).toBeLessThan(1); // measured 0.78
    expect(pitchErr).toBeLessThan(1.2); // measured 1.0
  });

  it('on MediaPipe’s face seen by a webcam (perspective, 60° field of view, 60 cm): yaw within 5°, pitch within 10°', () => {
    let yawErr = 0, pitchErr = 0, rollErr = 0;
    grid((yaw, pitch, roll) => {
      const p = headPoseFromKeypoints(project(MEDIAPIPE_FACE, yaw, pitch, roll, 0, { f: 554, distance: 60 }));
      yawErr = Math.max(yawErr, Math.abs(p.yaw - yaw));
      pitchErr = Math.max(pitchErr, Math.abs(p.pitch - pitch));
      rollErr = Math.max(rollErr, Math.abs(p.roll - roll));
    });
    // Perspective magnifies the nearer nose: 30° reads as 34–35°.
    expect(yawErr).toBeLessThan(5);
    expect(pitchErr).toBeLessThan(10);
    expect(rollErr).toBeLessThan(2.5);
  });

  it('stays finite on degenerate keypoints', () => {
    const p = headPoseFromKeypoints([[10, 10], [10, 10], [10, 10], [10, 10], [10, 10]]);
    expect(Number.isFinite(p.yaw) && Number.isFinite(p.pitch) && Number.isFinite(p.roll)).toBe(true);
  });
});
