// A face box computed from the 5 keypoints: the box a detector would draw, placed by the same
// similarity transform that aligns the face for recognition. Crops made from it (passive
// liveness) follow the face's geometry, not one detector pass's box edges.
import type { Box } from './box.js';
import { arcfaceAlignment, applyAffine, invertAffine, type Affine2x3 } from './similarity-transform.js';
import type { Keypoints5 } from '../model-io/detection-types.js';

/** det_500m's box in ArcFace 112×112 template coordinates (fitted: see scripts/eval/liveness-crops.ts --fit). */
export const KEYPOINT_BOX_TEMPLATE: Readonly<Box> = Object.freeze([17.3, 7.7, 95.2, 120.6]) as unknown as Box;

/** `box` through a similarity `m`, kept axis-aligned: its centre mapped, its sides scaled by m's scale (rotation ignored). */
function mapBox(m: Readonly<Affine2x3>, box: Readonly<Box>): Box {
  const [cx, cy] = applyAffine(m, [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2]);
  const scale = Math.hypot(m[0], m[3]);
  const w = (box[2] - box[0]) * scale, h = (box[3] - box[1]) * scale;
  return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
}

/** The axis-aligned face box implied by `keypoints`: the template box mapped back from the ArcFace frame. */
export function keypointFaceBox(keypoints: Readonly<Keypoints5>, template: Readonly<Box> = KEYPOINT_BOX_TEMPLATE): Box {
  return mapBox(invertAffine(arcfaceAlignment(keypoints)), template);
}

/** `box` in the ArcFace 112×112 template frame of `keypoints` (the inverse of {@link keypointFaceBox}). */
export function boxInKeypointFrame(box: Readonly<Box>, keypoints: Readonly<Keypoints5>): Box {
  return mapBox(arcfaceAlignment(keypoints), box);
}
