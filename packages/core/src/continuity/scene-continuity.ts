// One moment, one camera: a login's frames, in the order captured, must each share its scene
// with the next. Real camera frames a third of a second apart differ by 0.008 (median) and 0.069
// (99th percentile) in sceneDistance; two photos of one person from different occasions by 0.082
// at least and 0.247 at the median, a photo and its mirror image by 0.048 at least
// (scripts/eval/scene-continuity.ts: 51 real clips of 16 sources, 80 lfw-dev people).
import { InvalidInputError } from '../errors.js';
import { sceneDistance, type SceneSignature } from './scene-signature.js';

/**
 * The largest scene distance between neighbouring frames of one moment: the 99.5th percentile of
 * the real clips' neighbour pairs at 3 fps. Each source left out in turn, with the threshold of the
 * others: 26 of 632 four-second logins refused (all 19 of one person walking with a phone, 7 of
 * the phone selfies) and 19 with nothing to compare (a face filling the frame); 0.6 % of
 * other-occasion photo pairs and 8.3 % of photo-and-mirror pairs passed
 * (scripts/eval/scene-continuity.ts).
 */
export const SCENE_CONTINUITY_THRESHOLD = 0.089;

export interface SceneContinuity {
  /** Whether every neighbouring pair that can be compared is within the threshold, at least one can, and every frame has the same size. */
  continuous: boolean;
  /** Whether every frame has the size of the first (a camera gives every frame the same). */
  sameSize: boolean;
  /** Scene distance of each frame to the next, in order; NaN where nothing lies outside both heads. */
  distances: number[];
  /** The largest distance compared (NaN when none could be). */
  worst: number;
  threshold: number;
}

/** Checks that `frames` (scene signatures in capture order, at least 2) come from one camera at one moment. */
export function checkSceneContinuity(frames: readonly SceneSignature[], threshold = SCENE_CONTINUITY_THRESHOLD): SceneContinuity {
  if (frames.length < 2) throw new InvalidInputError(`Scene continuity needs at least 2 frames, got ${frames.length}.`);
  const sameSize = frames.every((f) => f.width === frames[0]!.width && f.height === frames[0]!.height);
  const distances = frames.slice(1).map((f, i) => sceneDistance(frames[i]!, f));
  const compared = distances.filter((d) => !Number.isNaN(d));
  const worst = compared.length > 0 ? Math.max(...compared) : NaN;
  return { continuous: sameSize && compared.length > 0 && worst <= threshold, sameSize, distances, worst, threshold };
}
