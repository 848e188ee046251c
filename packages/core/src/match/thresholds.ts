import { InvalidOptionError } from '../errors.js';

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

export const CALIBRATIONS: Readonly<Record<string, Calibration>> = {
  fr_feature: {
    source: 'lfw-dev (LFW fold 1, 807 images, 0 without a face), det_500m @ 640 keypoints, facekit 0.1 in headless Chromium (WASM); `pnpm calibrate:verify`, 2026-11-23',
    genuinePairs: 931,
    impostorPairs: 324_290,
    // TAR at these thresholds on the same pairs: 98.82 % (1e-2), 97.96 % (1e-3), 94.74 % (1e-4;
    // 32 false accepts behind it, the least well resolved of the three).
    thresholds: { '1e-2': 0.2501, '1e-3': 0.3411, '1e-4': 0.4168 },
    flipThresholds: { '1e-2': 0.251, '1e-3': 0.3406, '1e-4': 0.4127 },
  },
};

/**
 * The FAR `verify` uses when none is given: 1 in 10,000 impostor attempts accepted, the usual
 * operating point for face verification as access control (enroll, then unlock). At 1e-3 this
 * recognizer already confuses some look-alikes (two different actresses in shared/data score
 * 0.35–0.40); pass `far: 1e-3` or `1e-2` for friendlier, less secure matching.
 */
export const DEFAULT_FAR = 1e-4;

// 1e-3 → '1e-3', 0.01 → '1e-2'
const farKey = (far: number): string => far.toExponential();

/** The calibrated threshold of `model` at `far`; an InvalidOptionError names what is available. */
export function thresholdFor(model: string, far: number = DEFAULT_FAR, flip = false): number {
  // Own keys only: `model` may be any string ("__proto__", "constructor").
  const cal = Object.hasOwn(CALIBRATIONS, model) ? CALIBRATIONS[model] : undefined;
  if (!cal) throw new InvalidOptionError(`Recognizer ${JSON.stringify(String(model))} has no calibrated thresholds; pass an explicit threshold (calibrated: ${Object.keys(CALIBRATIONS).join(', ') || 'none'})`);
  const table = flip ? cal.flipThresholds : cal.thresholds;
  const key = typeof far === 'number' ? farKey(far) : '';
  const t = Object.hasOwn(table, key) ? table[key] : undefined;
  if (t === undefined) throw new InvalidOptionError(`No threshold for FAR ${String(far)} on "${model}"; calibrated FARs: ${Object.keys(table).join(', ')}. Pass one of them as far, or an explicit threshold.`);
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
