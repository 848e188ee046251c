// Where each attribute model looks: source → model-input maps. The faceplugin models were run by
// their package on the square of its own detector (fr_detect, RFB-320): side = that box's height,
// centred on it. On the 341 faces of the shared photos and the first 150 lfw-dev images that both
// detectors found, that square's side is 0.984 × max(w, h) of the det_500m box (sd 0.08) and its
// centre is the box centre (offsets −0.3 % of w, −0.7 % of h); so the face square is defined from
// our detector's box and each model's crop from it, as its package crops it. SSR-Net (age,
// gender) is the exception: see FACEPLUGIN_CROPS in pipeline/attributes.ts.
import type { Box } from '../geometry/box.js';
import { arcfaceAlignment, type Affine2x3 } from '../geometry/similarity-transform.js';
import type { Keypoints5 } from '../model-io/detection-types.js';
import { supersampleFor } from '../pipeline/model-crop.js';

/** An axis-aligned square in source pixels. */
export interface Square { cx: number; cy: number; side: number }

/** The face square: centred on the detector box, side = its longer edge (≈ its height). */
export function faceSquare(box: Readonly<Box>): Square {
  return { cx: (box[0] + box[2]) / 2, cy: (box[1] + box[3]) / 2, side: Math.max(box[2] - box[0], box[3] - box[1]) };
}

/** The square grown (or shrunk) by `factor` about its centre. */
export function scaleSquare(s: Square, factor: number): Square {
  return { cx: s.cx, cy: s.cy, side: s.side * factor };
}

/**
 * The map source → `size`×`size` of an axis-aligned square, pixel centres spread over it as
 * cv.resize of that region spreads them: output pixel j samples source x0 + (j + 0.5)·side/size − 0.5.
 */
export function squareAffine(s: Square, size: number): Affine2x3 {
  const k = size / s.side;
  const x0 = s.cx - s.side / 2, y0 = s.cy - s.side / 2;
  // dst = (src − x0 + 0.5)·k − 0.5
  return [k, 0, (0.5 - x0) * k - 0.5, 0, k, (0.5 - y0) * k - 0.5];
}

/**
 * InsightFace's attribute / landmark crop (`face_align.transform(img, centre, size, scale, 0)`):
 * the box centre to the output centre, scale size / (1.5 · longer box edge), no rotation.
 */
export function insightfaceCropAffine(box: Readonly<Box>, size: number): Affine2x3 {
  const cx = (box[0] + box[2]) / 2, cy = (box[1] + box[3]) / 2;
  const k = size / (1.5 * Math.max(box[2] - box[0], box[3] - box[1]));
  return [k, 0, size / 2 - k * cx, 0, k, size / 2 - k * cy];
}

/**
 * The ArcFace alignment (5-point similarity to the 112×112 template) widened to the centred
 * square of side 112 · `margin` in template pixels, mapped to `size`·k × `size`·k: a crop that is
 * upright and scaled by the keypoints, whatever the detector's box. k (the supersampling factor,
 * see model-crop.ts) is the ratio of the crop's side in source pixels to `size`, rounded up.
 */
export function alignedSquareAffine(keypoints: Readonly<Keypoints5>, margin: number, size: number): { matrix: Affine2x3; supersample: number } {
  const m = arcfaceAlignment(keypoints, 112);
  const side = 112 * margin;
  const k = supersampleFor(side / Math.hypot(m[0], m[3]), size);
  const s = (size * k) / side, off = (side - 112) / 2;
  return { matrix: [m[0] * s, m[1] * s, (m[2] + off) * s, m[3] * s, m[4] * s, (m[5] + off) * s], supersample: k };
}
