// One stable box for passive liveness per tracked face. MiniFASNet's crop is a multiple of the
// face box, and a full pass (320 over the frame) and a region pass (160 around the face) draw
// that box a few pixels apart: a still photo of a real face scored 0.71 from one and 0.92 from
// the other. The anchor keeps the box in the frame of the face's own keypoints (where it does
// not move with the face) and averages it over the track's frames, whichever pass found them;
// each frame's crop is that averaged box placed by the frame's keypoints.
import { boxInKeypointFrame, keypointFaceBox } from '../geometry/keypoint-box.js';
import { iou, type Box } from '../geometry/box.js';
import type { Keypoints5 } from '../models/detection-types.js';
import { InvalidOptionError } from '../errors.js';

/** A live track's anchor, as the loop hands it to the frame request: where the face is expected, and its box in its keypoints' frame. */
export interface LivenessAnchor {
  box: Box;
  template: Box;
}

export interface CropAnchor {
  /** Adds one frame's detected box and keypoints; returns the averaged template box. */
  update(box: Readonly<Box>, keypoints: Readonly<Keypoints5>): Box;
  /** The averaged template box, once a frame was added. */
  readonly template: Box | undefined;
}

/**
 * A running mean of a track's box in its keypoints' frame: the first `warmup` frames are averaged
 * equally, then each new frame weighs `alpha` (an exponential mean, so a face that changes —
 * glasses off, a new expression — is followed within a few dozen frames).
 */
export function createCropAnchor(options: { alpha?: number; warmup?: number } = {}): CropAnchor {
  const alpha = options.alpha ?? 0.1;
  const warmup = options.warmup ?? 10;
  if (!(alpha > 0 && alpha <= 1)) throw new InvalidOptionError(`alpha must be in (0, 1], got ${alpha}`);
  let template: Box | undefined;
  let n = 0;
  return {
    update(box, keypoints) {
      const t = boxInKeypointFrame(box, keypoints);
      n++;
      const w = Math.max(alpha, n <= warmup ? 1 / n : alpha);
      template = template ? template.map((v, i) => v + w * (t[i]! - v)) as Box : t;
      return template;
    },
    get template() { return template; },
  };
}

/**
 * The box passive liveness runs on for a detected face: its track's anchor (the one whose
 * expected box overlaps it most, IoU ≥ 0.3) placed by the face's keypoints, or, for a face no
 * anchor claims (a new track), its own detected box.
 */
export function livenessBox(face: { box: Box; keypoints: Keypoints5 }, anchors: readonly LivenessAnchor[] = []): Box {
  let best: LivenessAnchor | undefined, bestIou = 0.3;
  for (const a of anchors) {
    const o = iou(a.box, face.box);
    if (o >= bestIou) { best = a; bestIou = o; }
  }
  return best ? keypointFaceBox(face.keypoints, best.template) : face.box;
}
