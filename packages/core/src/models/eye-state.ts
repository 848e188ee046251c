// Eye open/closed (faceplugin fr_eye): the eye crop and the output decoding.
// The package (faceplugin-face-recognition-js@0.0.1, lib/fr_eye.js) crops an axis-aligned square
// around each eye from 68 landmarks: centred on the mean of the four lid points (37, 38, 40, 41
// and 43, 44, 46, 47), side 1.6 × the eye's corner-to-corner width (39 − 36, 45 − 42), resized
// to 24×24 (cv.resize, bilinear), grey, v / 255. We have 5 keypoints, so the crop is centred on
// the eye keypoint, sized from the inter-ocular distance and turned with the eye line.
// Grey: the package applies COLOR_BGR2GRAY to the canvas's RGBA, swapping the R and B weights;
// we take standard luma (the two gave the same open/closed calls, probabilities within 0.05).
import type { Point } from '../geometry/box.js';
import type { Affine2x3 } from '../geometry/similarity-transform.js';
import { supersampleFor, type SupersampledCrop } from '../pipeline/model-crop.js';
import type { Keypoints5 } from './detection-types.js';
import { softmax } from './minifasnet.js';

/**
 * Eye-crop side as a fraction of the distance between the two eye keypoints. The package's side
 * is 1.6 × the eye's corner-to-corner width; run as the package runs it (fr_landmark's 68 points
 * on det_500m boxes, 11 single-face photos in shared/data, 22 eyes), that side is 0.52–0.74 of
 * the det_500m inter-ocular distance, median 0.61.
 */
export const EYE_CROP_SCALE = 0.6;

/**
 * The map source → `size`×`size` crop of side `side` source pixels centred on `centre` (in
 * pixel-index coordinates, as keypoints are), with the crop's x axis along `angle` (radians):
 * the output centre (size−1)/2 is the eye, as with cv.resize of a square around it.
 */
export function eyeCropAffine(centre: Readonly<Point>, angle: number, side: number, size: number): Affine2x3 {
  const s = size / side;
  const cos = Math.cos(angle) * s, sin = Math.sin(angle) * s;
  const h = (size - 1) / 2;
  // dst = s·R(−angle)·(src − centre) + h
  return [cos, sin, h - cos * centre[0] - sin * centre[1], -sin, cos, h + sin * centre[0] - cos * centre[1]];
}


/**
 * The two eye crops of a face: `[left, right]` in image orientation (keypoints 0 and 1; on a
 * frontal face, "left" is the subject's right eye), turned so the eye line is horizontal.
 * Unlike the package's plain bilinear cv.resize, a crop wider than `size` source pixels is
 * sampled on a finer grid and box-averaged (as INTER_AREA): on large faces the point-sampled
 * 24×24 eye is aliased and this small model misreads it (shared photos with 200–250 px between
 * the eyes: einstein's right eye 0.01 open, src_portrait1's left 0.84; supersampled 0.88 and
 * 0.996). Crops up to `size` pixels wide are sampled exactly as the package does.
 */
export function eyeCrops(keypoints: Readonly<Keypoints5>, size: number, scale = EYE_CROP_SCALE): [SupersampledCrop, SupersampledCrop] {
  const [l, r] = keypoints;
  const dx = r[0] - l[0], dy = r[1] - l[1];
  const side = Math.max(1, scale * Math.hypot(dx, dy));
  const angle = Math.atan2(dy, dx);
  const supersample = supersampleFor(side, size);
  const n = size * supersample;
  return [{ matrix: eyeCropAffine(l, angle, side, n), supersample }, { matrix: eyeCropAffine(r, angle, side, n), supersample }];
}

/**
 * fr_eye's output index for "open": the package's "eye closeness" is softmax[0] > softmax[1],
 * and on the shared photos index 1 is ≈ 1 for open eyes and ≈ 0 for closed ones.
 */
export const EYE_OPEN_CLASS = 1;

/** The eye-open probability of one fr_eye output (two logits): softmax, class 1. */
export function eyeOpenProbability(logits: ArrayLike<number>): number {
  return softmax(logits)[EYE_OPEN_CLASS]!;
}
