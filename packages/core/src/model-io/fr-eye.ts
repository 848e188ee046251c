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
import { logit, sigmoid } from '../util/log-odds.js';
import type { Keypoints5 } from './detection-types.js';

/**
 * Eye-crop sides, as fractions of the distance between the two eye keypoints, whose logits are
 * averaged. The package's side is 1.6 × the eye's corner-to-corner width; run as the package runs
 * it (fr_landmark's 68 points on det_500m boxes, 11 single-face photos in shared/data, 22 eyes),
 * that side is 0.52–0.74 of the det_500m inter-ocular distance, median 0.61. One crop is
 * fragile: on lfw-dev faces in a 640×480 camera frame, a full and a region pass's keypoints
 * (a pixel or two apart) moved one eye's 0.6-crop log-odds by 2.8 (median) and 7.9 (90th
 * percentile), and 18 % of those open-eyed faces read "closed" (p < 0.5) on one eye.
 * `pnpm eval:eyes` compares crop sets and ways of combining the eyes by person-disjoint CV.
 */
export const EYE_CROP_SCALES: readonly number[] = Object.freeze([0.6, 0.7, 0.8]);

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
export function eyeCrops(keypoints: Readonly<Keypoints5>, size: number, scale: number): [SupersampledCrop, SupersampledCrop] {
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

/** The open-vs-closed log-odds of one fr_eye output (two logits): class 1 minus class 0. */
export function eyeOpenLogit(logits: ArrayLike<number>): number {
  return logits[EYE_OPEN_CLASS]! - logits[1 - EYE_OPEN_CLASS]!;
}


/**
 * How open a face's eyes are, for the quality gate: the probability whose log-odds is the mean
 * of the two eyes' log-odds. Both eyes' evidence counts, so a wink or one eye misread as closed
 * (narrow, hooded, behind a glasses reflection) does not read as shut eyes; two eyes that both
 * read closed do. Chosen by `pnpm eval:eyes` (person-disjoint CV on lfw-dev) over "either eye"
 * (min) and "both eyes" (max).
 */
export function eyesOpenScore(eyes: { left: number; right: number }): number {
  const clamp = (p: number) => Math.min(1 - 1e-9, Math.max(1e-9, p));
  return sigmoid((logit(clamp(eyes.left)) + logit(clamp(eyes.right))) / 2);
}
