/**
 * Verification thresholds per recognizer, calibrated on the lfw-dev split (shared/data/lfw-dev:
 * LFW fold 1, 807 images) by `pnpm calibrate:verify`, which runs the real SDK in headless
 * Chromium: every image embedded (det_500m @ 640 keypoints, ArcFace alignment); genuine pairs
 * are all same-name image pairs, impostor pairs all different-name pairs; the threshold at a
 * false-accept rate is the smallest similarity that at most that fraction of impostor pairs
 * reach. Models that are not calibrated here have no entry: pass `threshold` yourself.
 */
export interface Calibration {
  /** Where and how the numbers were obtained. */
  source: string;
  genuinePairs: number;
  impostorPairs: number;
  /** Cosine-similarity threshold per false-accept rate (key: the FAR as written, e.g. '1e-3'). */
  thresholds: Readonly<Record<string, number>>;
  /** Embeddings with the flip test score a little higher; its own thresholds. */
  flipThresholds: Readonly<Record<string, number>>;
}

export const CALIBRATIONS: Readonly<Record<string, Calibration>> = {};

/** The FAR `verify` uses when none is given. */
export const DEFAULT_FAR = 1e-3;

// 1e-3 → '1e-3', 0.01 → '1e-2'
const farKey = (far: number): string => far.toExponential();

/** The calibrated threshold of `model` at `far`; RangeError names what is available. */
export function thresholdFor(model: string, far: number = DEFAULT_FAR, flip = false): number {
  const cal = CALIBRATIONS[model];
  if (!cal) throw new RangeError(`Recognizer "${model}" has no calibrated thresholds; pass an explicit threshold (calibrated: ${Object.keys(CALIBRATIONS).join(', ') || 'none'})`);
  const table = flip ? cal.flipThresholds : cal.thresholds;
  const t = table[farKey(far)];
  if (t === undefined) throw new RangeError(`No threshold for FAR ${far} on "${model}"; calibrated FARs: ${Object.keys(table).join(', ')}`);
  return t;
}

export interface MatchResult {
  /** Cosine similarity in [-1, 1]. */
  similarity: number;
  /** The threshold used. */
  threshold: number;
  /** similarity ≥ threshold. */
  isMatch: boolean;
}
