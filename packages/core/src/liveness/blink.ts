import { InvalidOptionError } from '../errors.js';
import type { Keypoints5 } from '../model-io/detection-types.js';
import { interocularDistance } from '../quality/quality-gate.js';

/** Eye-open probabilities of one face, in [0, 1] (e.g. from the eye-state classifier). */
export interface EyeOpenness {
  readonly left: number;
  readonly right: number;
}

export interface BlinkOptions {
  /**
   * The eyes count as OPEN when both open probabilities are at least this.
   * @defaultValue 0.6
   */
  openAbove?: number;
  /**
   * The eyes count as CLOSED when both open probabilities are at most this. Between the two
   * thresholds a sample is unknown and changes nothing (hysteresis: a probability wavering
   * around 0.5 cannot blink).
   * @defaultValue 0.4
   */
  closedBelow?: number;
  /**
   * Longest closed phase (first closed sample to the first open one after it) that still counts
   * as a blink, ms. Human blinks last 100–400 ms; the margin absorbs a slow frame rate, and a
   * longer closure is eyes shut, not a blink.
   * @defaultValue 1000
   */
  maxClosedMs?: number;
  /**
   * With keypoints: the farthest the eyes' midpoint may move, from the last open frame before
   * the closing to the first open frame after it, in that open frame's inter-ocular distances.
   * A blink happens in a face that holds still; a print bent or waved, or a head turning, moves
   * the whole face while the eye model misreads its eyes as closed. The first blink of each of
   * 21 development clips that were not turning: 0.01–0.24, and beyond that only where the
   * person or a hand-held phone moved (0.47–1.41); closings read while a head turned or a phone
   * replay was moved: up to 4.35 (`scripts/eval/pad-tracks.ts` on `pnpm eval:pad` traces).
   * @defaultValue 0.25
   */
  maxMove?: number;
  /** With keypoints: the largest change of inter-ocular distance (scale, or a turn) over the blink, as a fraction. The same blinks: ≤ 0.07 where the face held still, up to 0.42 where it moved. @defaultValue 0.15 */
  maxScaleChange?: number;
}

export const BLINK_DEFAULTS: Readonly<Required<BlinkOptions>> = Object.freeze({ openAbove: 0.6, closedBelow: 0.4, maxClosedMs: 1000, maxMove: 0.25, maxScaleChange: 0.15 });

/**
 * 'waiting-open': no open eyes seen yet (start, or the face was lost); 'open': open, armed;
 * 'closed': closed after being open; 'blinked': open again after a blink (armed for the next).
 */
export type BlinkPhase = 'waiting-open' | 'open' | 'closed' | 'blinked';

export interface BlinkState {
  phase: BlinkPhase;
  /** Blinks counted since the last reset(). */
  blinks: number;
  /** Closings refused because the face moved while the eyes read closed (kept across reset()). */
  moved?: number;
}

export interface BlinkDetector {
  /**
   * One sample: the face's eye probabilities, or undefined when there is no face this frame.
   * With `keypoints`, a blink also needs the face to hold still across it (`maxMove`, `maxScaleChange`).
   */
  update(eyes: EyeOpenness | undefined, timestampMs: number, keypoints?: Readonly<Keypoints5>): BlinkState;
  /** At least one blink since the last reset(). */
  readonly blinked: boolean;
  reset(): void;
}

/**
 * Counts blinks as OPEN → CLOSED → OPEN. A sample is OPEN when min(left, right) ≥ openAbove,
 * CLOSED when max(left, right) ≤ closedBelow (both eyes agree), otherwise unknown and ignored.
 * A blink needs open eyes before the closing (so a face first seen with closed eyes does not
 * count) and a closed phase of at most maxClosedMs. A frame without a face (undefined) sends
 * the phase back to 'waiting-open' (a blink cannot span a lost face: it may be another face);
 * the count is kept. Given keypoints, the eyes' midpoint and distance of every frame from the
 * last open one to the reopening must stay within `maxMove` and `maxScaleChange` of that open
 * frame's, or the closing is refused (counted in `moved`) and the reopening frame arms the next.
 */
export function createBlinkDetector(options: BlinkOptions = {}): BlinkDetector {
  const o = { ...BLINK_DEFAULTS };
  for (const [k, v] of Object.entries(options) as [keyof BlinkOptions, number | undefined][]) if (v !== undefined) o[k] = v;
  if (!(o.closedBelow >= 0 && o.closedBelow < o.openAbove && o.openAbove <= 1 && o.maxClosedMs > 0 && o.maxMove >= 0 && o.maxScaleChange >= 0)) {
    throw new InvalidOptionError(`Blink options need 0 ≤ closedBelow < openAbove ≤ 1, maxClosedMs > 0 (ms), maxMove ≥ 0 and maxScaleChange ≥ 0; got ${JSON.stringify(o)}`);
  }

  let phase: BlinkPhase = 'waiting-open';
  let blinks = 0, moved = 0;
  let closedAt = 0;
  // The last open frame's eyes (midpoint, distance), and whether the face left it since.
  let anchor: { x: number; y: number; iod: number } | undefined;
  let still = true;
  const eyesOf = (k: Readonly<Keypoints5>) => ({ x: (k[0][0] + k[1][0]) / 2, y: (k[0][1] + k[1][1]) / 2, iod: interocularDistance(k) });
  const holds = (k: Readonly<Keypoints5> | undefined): boolean => {
    if (!k || !anchor || !(anchor.iod > 0)) return true;
    const e = eyesOf(k);
    return Math.hypot(e.x - anchor.x, e.y - anchor.y) <= o.maxMove * anchor.iod && Math.abs(e.iod / anchor.iod - 1) <= o.maxScaleChange;
  };
  const state = (): BlinkState => ({ phase, blinks, ...(moved ? { moved } : {}) });
  return {
    update(eyes, timestampMs, keypoints) {
      if (!eyes) {
        phase = 'waiting-open';
        return state();
      }
      // NaN compares false both ways: an unreadable sample is unknown.
      const open = Math.min(eyes.left, eyes.right) >= o.openAbove;
      const closed = Math.max(eyes.left, eyes.right) <= o.closedBelow;
      if (phase === 'waiting-open') {
        if (open) phase = 'open';
      } else if (phase === 'closed') {
        still &&= holds(keypoints);
        if (open) {
          if (timestampMs - closedAt <= o.maxClosedMs && still) {
            blinks++;
            phase = 'blinked';
          } else {
            if (!still) moved++;
            phase = 'open';
          }
        }
      } else if (closed) {
        phase = 'closed';
        closedAt = timestampMs;
        still = holds(keypoints);
      }
      if (open) anchor = keypoints ? eyesOf(keypoints) : undefined;
      return state();
    },
    get blinked() {
      return blinks > 0;
    },
    reset() {
      phase = 'waiting-open';
      blinks = 0;
      anchor = undefined;
    },
  };
}
