import { InvalidOptionError } from '../errors.js';

/**
 * The last few passive-liveness scores of one track, summarised by their median: one frame's
 * score swings with blur and light, a single bad frame should not flip the decision, and the
 * median ignores an outlier that a mean would not.
 */
export interface ScoreWindow {
  /** Adds a score, dropping the oldest beyond the window's size. Non-finite scores are ignored. */
  push(score: number): void;
  /** Median of the scores held (mean of the middle two for an even count); undefined when empty. */
  median(): number | undefined;
  /** Scores held (≤ size). */
  readonly count: number;
  reset(): void;
}

/**
 * A window over the last `size` scores. 5 frames: about 1/6 s at 30 fps, enough to outvote
 * two bad frames, short enough to follow a face that changes (engineering choice).
 */
export function createScoreWindow(size = 5): ScoreWindow {
  if (!(Number.isInteger(size) && size >= 1)) throw new InvalidOptionError(`Score window size must be an integer ≥ 1 (e.g. 5 frames), got ${size}`);
  const ring = new Float64Array(size);
  let count = 0, next = 0;
  return {
    push(score) {
      if (!Number.isFinite(score)) return;
      ring[next] = score;
      next = (next + 1) % size;
      count = Math.min(count + 1, size);
    },
    median() {
      if (count === 0) return undefined;
      const sorted = ring.slice(0, count).sort();
      const mid = count >> 1;
      return count % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    },
    get count() {
      return count;
    },
    reset() {
      count = 0;
      next = 0;
    },
  };
}
