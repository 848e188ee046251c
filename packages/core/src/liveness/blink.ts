import { InvalidOptionError } from '../errors.js';

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
}

export const BLINK_DEFAULTS: Readonly<Required<BlinkOptions>> = Object.freeze({ openAbove: 0.6, closedBelow: 0.4, maxClosedMs: 1000 });

/**
 * 'waiting-open': no open eyes seen yet (start, or the face was lost); 'open': open, armed;
 * 'closed': closed after being open; 'blinked': open again after a blink (armed for the next).
 */
export type BlinkPhase = 'waiting-open' | 'open' | 'closed' | 'blinked';

export interface BlinkState {
  phase: BlinkPhase;
  /** Blinks counted since the last reset(). */
  blinks: number;
}

export interface BlinkDetector {
  /** One sample: the face's eye probabilities, or undefined when there is no face this frame. */
  update(eyes: EyeOpenness | undefined, timestampMs: number): BlinkState;
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
 * the count is kept.
 */
export function createBlinkDetector(options: BlinkOptions = {}): BlinkDetector {
  const o: Required<BlinkOptions> = {
    openAbove: options.openAbove ?? BLINK_DEFAULTS.openAbove,
    closedBelow: options.closedBelow ?? BLINK_DEFAULTS.closedBelow,
    maxClosedMs: options.maxClosedMs ?? BLINK_DEFAULTS.maxClosedMs,
  };
  if (!(o.closedBelow >= 0 && o.closedBelow < o.openAbove && o.openAbove <= 1)) {
    throw new InvalidOptionError(`Blink options need 0 ≤ closedBelow < openAbove ≤ 1, got closedBelow ${o.closedBelow}, openAbove ${o.openAbove}`);
  }
  if (!(o.maxClosedMs > 0)) throw new InvalidOptionError(`maxClosedMs must be > 0 (milliseconds), got ${o.maxClosedMs}`);

  let phase: BlinkPhase = 'waiting-open';
  let blinks = 0;
  let closedAt = 0;
  return {
    update(eyes, timestampMs) {
      if (!eyes) {
        phase = 'waiting-open';
        return { phase, blinks };
      }
      // NaN compares false both ways: an unreadable sample is unknown.
      const open = Math.min(eyes.left, eyes.right) >= o.openAbove;
      const closed = Math.max(eyes.left, eyes.right) <= o.closedBelow;
      if (phase === 'waiting-open') {
        if (open) phase = 'open';
      } else if (phase === 'closed') {
        if (open) {
          if (timestampMs - closedAt <= o.maxClosedMs) {
            blinks++;
            phase = 'blinked';
          } else {
            phase = 'open';
          }
        }
      } else if (closed) {
        phase = 'closed';
        closedAt = timestampMs;
      }
      return { phase, blinks };
    },
    get blinked() {
      return blinks > 0;
    },
    reset() {
      phase = 'waiting-open';
      blinks = 0;
    },
  };
}
