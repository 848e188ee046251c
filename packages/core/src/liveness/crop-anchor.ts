// One stable box for passive liveness per tracked face. MiniFASNet's crop is a multiple of the
// face box, and a full pass (320 over the frame) and a region pass (160 around the face) draw
// that box a few pixels apart: a still photo of a real face scored 0.71 from one and 0.92 from
// the other. The anchor keeps the box in the frame of the face's own keypoints (where it does
// not move with the face) and averages it over the track's frames, whichever pass found them;
// each frame's crop is that averaged box placed by the frame's keypoints. The placement itself
// jitters with the keypoints (a region pass's crop moves with the track's prediction), and
// MiniFASNet answers a few pixels' shift of its crop with a different score (a re-photographed
// portrait: 0.68 to 0.85). So while the face keeps still the crop holds still: the mean of its
// first placed boxes, then fixed; a face that moves past a dead band gets its placed box at once.
import { boxInKeypointFrame, keypointFaceBox } from '../geometry/keypoint-box.js';
import { iou, type Box } from '../geometry/box.js';
import type { Keypoints5 } from '../model-io/detection-types.js';
import { InvalidOptionError } from '../errors.js';

/** A live track's anchor, as the loop hands it to the frame request. */
export interface LivenessAnchor {
  /** Where the track's face is expected (to claim the detected face). */
  box: Box;
  /** The averaged box in the face's keypoints' frame. */
  template: Box;
  /** The crop while the face keeps still, in image pixels: the mean of the placed boxes over the first frames since it last moved. */
  steady: Box;
}

export interface CropAnchor {
  /** Adds one frame's detected box and keypoints. */
  update(box: Readonly<Box>, keypoints: Readonly<Keypoints5>): void;
  /** The averaged template box, once a frame was added. */
  readonly template: Box | undefined;
  /** The steady crop box, once a frame was added. */
  readonly steady: Box | undefined;
}

/** How far (a fraction of the box width, at any side) a placed box may stray from the steady one and still count as the face keeping still. */
export const STEADY_BAND = 0.05;

/**
 * A running mean of a track's box in its keypoints' frame: the first `warmup` frames are averaged
 * equally, then each new frame weighs `alpha` (an exponential mean, so a face that changes —
 * glasses off, a new expression — is followed within a few dozen frames).
 */
export function createCropAnchor(options: { alpha?: number; warmup?: number } = {}): CropAnchor {
  const alpha = options.alpha ?? 0.1;
  const warmup = options.warmup ?? 10;
  if (!(alpha > 0 && alpha <= 1)) throw new InvalidOptionError(`alpha must be in (0, 1], got ${alpha}`);
  let template: Box | undefined, steady: Box | undefined;
  let n = 0, still = 0;
  const mean = (m: Box | undefined, x: Box, w: number): Box => (m ? m.map((v, i) => v + w * (x[i]! - v)) as Box : x);
  return {
    update(box, keypoints) {
      n++;
      template = mean(template, boxInKeypointFrame(box, keypoints), Math.max(alpha, n <= warmup ? 1 / n : alpha));
      const placed = keypointFaceBox(keypoints, template);
      // A face that moved out of the band starts the steady mean over from where it is now.
      still = steady && withinBand(placed, steady) ? still + 1 : 1;
      if (still <= warmup) steady = mean(still > 1 ? steady : undefined, placed, 1 / still);
    },
    get template() { return template; },
    get steady() { return steady; },
  };
}

function withinBand(a: Readonly<Box>, b: Readonly<Box>): boolean {
  const band = STEADY_BAND * (b[2] - b[0]);
  return a.every((v, i) => Math.abs(v - b[i]!) <= band);
}

/**
 * The box passive liveness runs on for a detected face. With its track's anchor (the one whose
 * expected box overlaps it most, IoU ≥ 0.3): the anchor's template placed by the face's
 * keypoints, or, when that lies within the dead band of the anchor's steady box (the face keeps
 * still), the steady box itself. A face no anchor claims (a new track) keeps its detected box.
 */
export function livenessBox(face: { box: Box; keypoints: Keypoints5 }, anchors: readonly LivenessAnchor[] = []): Box {
  let best: LivenessAnchor | undefined, bestIou = 0.3;
  for (const a of anchors) {
    const o = iou(a.box, face.box);
    if (o >= bestIou) { best = a; bestIou = o; }
  }
  if (!best) return face.box;
  const placed = keypointFaceBox(face.keypoints, best.template);
  return withinBand(placed, best.steady) ? best.steady : placed;
}
