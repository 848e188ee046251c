import type { Point } from '../geometry/box.js';
import type { Keypoints5 } from '../model-io/detection-types.js';
import { InvalidOptionError } from '../errors.js';

/**
 * Parameters of the 1€ filter (Casiez, Roussel & Vogel, "1€ Filter: A Simple Speed-based
 * Low-pass Filter for Noisy Input in Interactive Systems", CHI 2012). A low-pass filter whose
 * cutoff rises with the signal's speed: slow movement is smoothed hard (no jitter), fast movement
 * lightly (little lag).
 */
export interface OneEuroOptions {
  /** Cutoff frequency at rest, in Hz. Lower: less jitter, more lag when slow. */
  minCutoff?: number;
  /** How fast the cutoff grows with speed, in Hz per (value unit / s). Higher: less lag when fast. */
  beta?: number;
  /** Cutoff of the filter on the derivative (the speed estimate), in Hz. */
  dCutoff?: number;
}

/** The paper's reference values (its demo, for a value in arbitrary units at ~60 Hz). */
export const ONE_EURO_DEFAULTS: Readonly<Required<OneEuroOptions>> = Object.freeze({ minCutoff: 1, beta: 0.007, dCutoff: 1 });

/**
 * Defaults for keypoints and boxes in image pixels. Engineering choices, checked by the tests
 * at 30 fps rather than taken from a publication: a still face's uniform ±2 px detector jitter
 * (rms 1.15 px) drops to rms 0.44 px, and a face moving at 100–1000 px/s lags by 3–4 px:
 * - minCutoff 1 Hz: the paper's value; at 30 fps it averages over ~5 frames when still.
 * - beta 0.05 per px/s: at 100 px/s (a casual head movement on a 640-px webcam frame) the cutoff
 *   is 6 Hz, at 300 px/s 16 Hz, so motion is followed within a frame or two. The paper's 0.007
 *   is for other units: here it lags 7 px at 100 px/s and 19 px at 1000 px/s.
 * - dCutoff 1 Hz: the paper's value.
 */
export const KEYPOINT_SMOOTHING_DEFAULTS: Readonly<Required<OneEuroOptions>> = Object.freeze({ minCutoff: 1, beta: 0.05, dCutoff: 1 });

export interface OneEuroFilter {
  /**
   * Filters one sample taken at `timestampMs`. The first sample (and the first after reset)
   * passes unchanged. A sample not later than the previous one returns the previous output
   * unchanged: the rate is unknown, and a repeated frame carries no new information.
   */
  filter(value: number, timestampMs: number): number;
  reset(): void;
}

/** Smoothing factor of an exponential low-pass with cutoff `cutoff` Hz at sample period `te` s. */
function alpha(cutoff: number, te: number): number {
  const tau = 1 / (2 * Math.PI * cutoff);
  return 1 / (1 + tau / te);
}

function checkOptions(o: Required<OneEuroOptions>): void {
  if (!(o.minCutoff > 0 && Number.isFinite(o.minCutoff))) throw new InvalidOptionError(`minCutoff must be a finite number > 0 Hz, got ${o.minCutoff}`);
  if (!(o.beta >= 0 && Number.isFinite(o.beta))) throw new InvalidOptionError(`beta must be a finite number ≥ 0, got ${o.beta}`);
  if (!(o.dCutoff > 0 && Number.isFinite(o.dCutoff))) throw new InvalidOptionError(`dCutoff must be a finite number > 0 Hz, got ${o.dCutoff}`);
}

function withDefaults(options: OneEuroOptions, defaults: Readonly<Required<OneEuroOptions>>): Required<OneEuroOptions> {
  return {
    minCutoff: options.minCutoff ?? defaults.minCutoff,
    beta: options.beta ?? defaults.beta,
    dCutoff: options.dCutoff ?? defaults.dCutoff,
  };
}

/** A 1€ filter for one scalar signal (defaults: {@link ONE_EURO_DEFAULTS}). */
export function createOneEuroFilter(options: OneEuroOptions = {}): OneEuroFilter {
  const o = withDefaults(options, ONE_EURO_DEFAULTS);
  checkOptions(o);
  let started = false;
  let xPrev = 0, dxPrev = 0, tPrev = 0;
  return {
    filter(value, timestampMs) {
      if (!started) {
        started = true;
        xPrev = value; dxPrev = 0; tPrev = timestampMs;
        return value;
      }
      const te = (timestampMs - tPrev) / 1000;
      if (!(te > 0)) return xPrev;
      const dx = (value - xPrev) / te;
      const edx = dxPrev + alpha(o.dCutoff, te) * (dx - dxPrev);
      const cutoff = o.minCutoff + o.beta * Math.abs(edx);
      const x = xPrev + alpha(cutoff, te) * (value - xPrev);
      xPrev = x; dxPrev = edx; tPrev = timestampMs;
      return x;
    },
    reset() {
      started = false;
    },
  };
}

export interface KeypointSmoother {
  /** The 5 keypoints filtered coordinate by coordinate (a new array; the input is not touched). */
  smooth(kps: Readonly<Keypoints5>, timestampMs: number): Keypoints5;
  reset(): void;
}

/** Ten 1€ filters, one per coordinate of {@link Keypoints5} (defaults: {@link KEYPOINT_SMOOTHING_DEFAULTS}). */
export function createKeypointSmoother(options: OneEuroOptions = {}): KeypointSmoother {
  const o = withDefaults(options, KEYPOINT_SMOOTHING_DEFAULTS);
  const filters = Array.from({ length: 10 }, () => createOneEuroFilter(o));
  return {
    smooth(kps, timestampMs) {
      const out = kps.map((p, i): Point => [
        filters[2 * i]!.filter(p[0], timestampMs),
        filters[2 * i + 1]!.filter(p[1], timestampMs),
      ]);
      return out as Keypoints5;
    },
    reset() {
      for (const f of filters) f.reset();
    },
  };
}
