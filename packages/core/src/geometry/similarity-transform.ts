import type { Point } from './box.js';
import { InvalidInputError, InvalidOptionError } from '../errors.js';
import { describeValue } from '../util/describe.js';

/** Row-major 2×3 affine matrix: `x' = a·x + b·y + tx`, `y' = c·x + d·y + ty` (OpenCV's layout). */
export type Affine2x3 = [a: number, b: number, tx: number, c: number, d: number, ty: number];

/**
 * Least-squares similarity (rotation + uniform scale + translation, never a reflection) mapping
 * `src` onto `dst`: Umeyama 1991 as in skimage's `SimilarityTransform.estimate`, which InsightFace's
 * `norm_crop` uses. In 2-D Umeyama's SVD with the reflection fix `d` reduces to a closed form: the
 * best rotation-scale `[[a, -b], [b, a]]` is the projection of the cross-covariance onto the
 * conformal matrices, and `trace(S·D)` is exactly `|(a, b)|·var(src)`; no SVD needed.
 * If every `dst` point is the same the answer is that point with scale 0 (skimage gives NaN).
 */
export function estimateSimilarity(src: readonly Point[], dst: readonly Point[]): Affine2x3 {
  const n = src.length;
  if (n < 2) throw new InvalidInputError(`estimateSimilarity needs at least 2 point pairs, got ${n}`);
  if (dst.length !== n) throw new InvalidInputError(`estimateSimilarity: src has ${n} points, dst has ${dst.length}; pass matching point lists`);
  let msx = 0, msy = 0, mdx = 0, mdy = 0;
  for (let i = 0; i < n; i++) {
    const s = src[i]!, d = dst[i]!;
    msx += s[0]; msy += s[1]; mdx += d[0]; mdy += d[1];
  }
  msx /= n; msy /= n; mdx /= n; mdy /= n;
  let ss = 0, raw = 0, dot = 0, cross = 0;
  for (let i = 0; i < n; i++) {
    const s = src[i]!, d = dst[i]!;
    const xs = s[0] - msx, ys = s[1] - msy, xd = d[0] - mdx, yd = d[1] - mdy;
    ss += xs * xs + ys * ys;
    raw += s[0] * s[0] + s[1] * s[1];
    dot += xs * xd + ys * yd;
    cross += xs * yd - ys * xd;
  }
  // Relative test: identical points demean to rounding noise, not always to exactly 0.
  if (!(ss > 1e-20 * raw)) throw new InvalidInputError('Source points are all equal (or not finite numbers), so no transform is defined; pass distinct, finite [x, y] points (e.g. the keypoints detect() returned)');
  const a = dot / ss;
  const b = cross / ss;
  return [a, -b, mdx - (a * msx - b * msy), b, a, mdy - (b * msx + a * msy)];
}

export function applyAffine(m: Readonly<Affine2x3>, p: Readonly<Point>): Point {
  return [m[0] * p[0] + m[1] * p[1] + m[2], m[3] * p[0] + m[4] * p[1] + m[5]];
}

/** Inverse of an affine map (OpenCV's `invertAffineTransform`); an InvalidInputError when it is singular. */
export function invertAffine(m: Readonly<Affine2x3>): Affine2x3 {
  const [a, b, tx, c, d, ty] = m;
  const det = a * d - b * c;
  if (!(det !== 0 && Number.isFinite(det))) throw new InvalidInputError('The affine matrix is singular (or not finite), so it has no inverse; pass an invertible [a, b, tx, c, d, ty]');
  const ia = d / det, ib = -b / det, ic = -c / det, id = a / det;
  return [ia, ib, -(ia * tx + ib * ty), ic, id, -(ic * tx + id * ty)];
}

/** InsightFace's `arcface_dst`: where the eyes, nose tip and mouth corners go in a 112×112 crop. */
export const ARCFACE_TEMPLATE_112: readonly Point[] = Object.freeze([
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
] satisfies Point[]);

/**
 * The similarity taking 5 face keypoints (left eye, right eye, nose, left mouth, right mouth, as
 * SCRFD/YuNet give them) to the ArcFace template for a `size`×`size` crop: InsightFace's
 * `estimate_norm`. Multiples of 112 scale the template; other multiples of 128 scale it by
 * size/128 and shift it 8·ratio right, as InsightFace does (112 is tested first, so 896 is a 112).
 */
export function arcfaceAlignment(keypoints: readonly Point[], size = 112): Affine2x3 {
  if (!Array.isArray(keypoints) || keypoints.length !== 5) throw new InvalidInputError(`Alignment needs the 5 keypoints detect() returns, got ${Array.isArray(keypoints) ? keypoints.length : describeValue(keypoints)}`);
  let ratio: number, diffX: number;
  if (Number.isInteger(size) && size > 0 && size % 112 === 0) {
    ratio = size / 112;
    diffX = 0;
  } else if (Number.isInteger(size) && size > 0 && size % 128 === 0) {
    ratio = size / 128;
    diffX = 8 * ratio;
  } else {
    throw new InvalidOptionError(`Crop size ${size} is not a positive multiple of 112 or 128; use e.g. 112`);
  }
  const dst = ARCFACE_TEMPLATE_112.map((p): Point => [p[0] * ratio + diffX, p[1] * ratio]);
  return estimateSimilarity(keypoints, dst);
}
