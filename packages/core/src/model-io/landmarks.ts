// Dense landmark formats: fr_landmark's 68 points (iBUG 300-W order), InsightFace 2d106det's 106,
// and how each reduces to the detector's 5 keypoints (to check one against the other).
import type { Point } from '../geometry/box.js';
import { applyAffine, invertAffine, type Affine2x3 } from '../geometry/similarity-transform.js';
import type { Square } from '../attributes/face-crops.js';
import type { Keypoints5 } from './detection-types.js';
import { checkPoints } from '../geometry/check-points.js';
import { FaceKitError, InvalidInputError } from '../errors.js';

/**
 * fr_landmark: 136 floats, (x, y) per point in 0–1 of the face square it was run on (the package
 * maps x · width + x1). Returns source pixels.
 */
export function decodeLandmark68(output: ArrayLike<number>, square: Square): Point[] {
  if (output.length < 136) throw new FaceKitError('INTERNAL', `fr_landmark gives 136 values, got ${output.length}; the model file does not match its registry entry (a facekit bug)`);
  const x0 = square.cx - square.side / 2, y0 = square.cy - square.side / 2;
  const pts: Point[] = [];
  for (let i = 0; i < 68; i++) pts.push([x0 + output[2 * i]! * square.side, y0 + output[2 * i + 1]! * square.side]);
  return pts;
}

/**
 * InsightFace 2d106det (landmark.py): 212 floats in [−1, 1] of the `size`×`size` crop
 * ((v + 1) · size / 2), mapped back through the crop's inverse. Returns source pixels.
 */
export function decodeLandmark106(output: ArrayLike<number>, crop: Readonly<Affine2x3>, size: number): Point[] {
  if (output.length < 212) throw new FaceKitError('INTERNAL', `2d106det gives 212 values, got ${output.length}; the model file does not match its registry entry (a facekit bug)`);
  const inv = invertAffine(crop);
  const half = Math.floor(size / 2);
  const pts: Point[] = [];
  // Exports with more values (3D) keep the last 106 points, as landmark.py does.
  const start = output.length >= 3000 ? -1 : output.length - 212;
  if (start < 0) throw new FaceKitError('INTERNAL', `2d106det gave ${output.length} values: 3D landmark outputs are not supported by this decoder; the model file does not match its registry entry (a facekit bug)`);
  for (let i = 0; i < 106; i++) pts.push(applyAffine(inv, [(output[start + 2 * i]! + 1) * half, (output[start + 2 * i + 1]! + 1) * half]));
  return pts;
}

const mean = (pts: readonly Point[], idx: readonly number[]): Point => {
  let x = 0, y = 0;
  for (const i of idx) { x += pts[i]![0]; y += pts[i]![1]; }
  return [x / idx.length, y / idx.length];
};

/**
 * The 5 keypoints (image-left eye, image-right eye, nose tip, image-left and image-right mouth
 * corner) as 68 iBUG points give them: eye centres (36–41, 42–47), nose tip (30), mouth corners (48, 54).
 */
export function keypointsFrom68(pts: readonly Point[]): Keypoints5 {
  checkPoints(pts, 68, 'landmarks');
  return [mean(pts, [36, 37, 38, 39, 40, 41]), mean(pts, [42, 43, 44, 45, 46, 47]), pts[30]!, pts[48]!, pts[54]!];
}

/**
 * Mean distance between two sets of 5 keypoints, as a fraction of the inter-ocular distance of `b`
 * (the detector's): how well dense landmarks agree with the detector.
 */
export function keypointAgreement(a: Readonly<Keypoints5>, b: Readonly<Keypoints5>): number {
  checkPoints(a, 5, 'keypoints a');
  checkPoints(b, 5, 'keypoints b');
  const iod = Math.hypot(b[1][0] - b[0][0], b[1][1] - b[0][1]);
  // No scale to measure against: the detector's two eyes are one point.
  if (!(iod > 0)) throw new InvalidInputError('keypoints b has both eyes at the same point, so there is no scale to compare against. Pass the keypoints detect() returned.');
  let d = 0;
  for (let i = 0; i < 5; i++) d += Math.hypot(a[i]![0] - b[i]![0], a[i]![1] - b[i]![1]);
  return d / 5 / iod;
}
