// Eyes-closed with hysteresis over frames: one reading near the threshold (the crop moved by a
// pixel between a full and a region pass) cannot flip the gate; shut eyes must read shut on
// several frames in a row, and reopen only on a reading clearly above the threshold.
import { InvalidOptionError } from '../errors.js';
import { logit, sigmoid } from '../util/log-odds.js';

export interface EyesClosedFilterOptions {
  /** A reading (the gate's eyes-open score, 0–1) below this counts as closed. 0 turns the filter off. */
  closeBelow: number;
  /**
   * Consecutive closed readings before the state turns to closed. At 15 fps, 3 frames is 0.2 s:
   * a blink (0.1–0.4 s) may or may not turn it, a held closure always does.
   * @defaultValue 3
   */
  closeAfter?: number;
  /**
   * Log-odds above `closeBelow` a reading must reach to reopen (2: 7.4× the odds). Readings in
   * between keep the state.
   * @defaultValue 2
   */
  reopenMargin?: number;
}

export interface EyesClosedFilter {
  /** One frame's reading (undefined: not measured, changes nothing); returns whether the eyes count as closed. */
  update(eyesOpen: number | undefined): boolean;
  readonly closed: boolean;
  reset(): void;
}

export function createEyesClosedFilter(options: EyesClosedFilterOptions): EyesClosedFilter {
  const { closeBelow } = options;
  const closeAfter = options.closeAfter ?? 3;
  const margin = options.reopenMargin ?? 2;
  if (!(closeBelow >= 0 && closeBelow < 1)) throw new InvalidOptionError(`closeBelow must be in [0, 1), got ${closeBelow}`);
  if (!Number.isInteger(closeAfter) || closeAfter < 1) throw new InvalidOptionError(`closeAfter must be an integer ≥ 1, got ${closeAfter}`);
  if (!(margin >= 0)) throw new InvalidOptionError(`reopenMargin must be ≥ 0, got ${margin}`);
  const reopenAbove = closeBelow > 0 ? sigmoid(logit(closeBelow) + margin) : 0;
  let closed = false;
  let run = 0;
  return {
    update(eyesOpen) {
      if (closeBelow === 0 || eyesOpen === undefined || Number.isNaN(eyesOpen)) return closed;
      if (eyesOpen < closeBelow) {
        run++;
        if (run >= closeAfter) closed = true;
      } else {
        run = 0;
        if (eyesOpen > reopenAbove) closed = false;
      }
      return closed;
    },
    get closed() { return closed; },
    reset() { closed = false; run = 0; },
  };
}
