import { InvalidOptionError } from '../errors.js';

export interface HeadTurnOptions {
  /**
   * A turn counts when |yaw| exceeds this, degrees. 20° is a clear, comfortable turn, and
   * `headPoseFromKeypoints` estimates it to within a few degrees.
   * @defaultValue 20
   */
  yawThreshold?: number;
  /**
   * The face counts as facing the camera when |yaw| is at most this, degrees. The challenge
   * only starts once it has seen a centred face, so a face that arrives already turned (a
   * photo held at an angle, swapped in) does not count its first side.
   * @defaultValue 10
   */
  returnBelow?: number;
}

export const HEAD_TURN_DEFAULTS: Readonly<Required<HeadTurnOptions>> = Object.freeze({ yawThreshold: 20, returnBelow: 10 });

/** 'center': waiting for the first turn; 'turned-one-way': one side done; 'passed': both. */
export type HeadTurnPhase = 'center' | 'turned-one-way' | 'passed';
/** In the image's orientation, as the yaw's sign: 'right' is yaw > 0. */
export type HeadTurnSide = 'left' | 'right';

export interface HeadTurnState {
  phase: HeadTurnPhase;
  /** The side turned to first, once there is one. */
  firstSide?: HeadTurnSide;
  /** When the challenge was passed. */
  passedAtMs?: number;
}

export interface HeadTurnChallenge {
  /** One sample: the main face's yaw in degrees, or undefined when there is no face. */
  update(yaw: number | undefined, timestampMs: number): HeadTurnState;
  readonly passed: boolean;
  reset(): void;
}

/**
 * Active liveness by turning the head: from a centred face (|yaw| ≤ returnBelow), past
 * +yawThreshold one way, then past −yawThreshold the other way, in either order. A frame
 * without a face before the end starts it over (the face may have been swapped); once passed,
 * it stays passed until reset().
 */
export function createHeadTurnChallenge(options: HeadTurnOptions = {}): HeadTurnChallenge {
  const yawThreshold = options.yawThreshold ?? HEAD_TURN_DEFAULTS.yawThreshold;
  const returnBelow = options.returnBelow ?? HEAD_TURN_DEFAULTS.returnBelow;
  if (!(returnBelow >= 0 && returnBelow < yawThreshold && yawThreshold < 90)) {
    throw new InvalidOptionError(`Head-turn options need 0 ≤ returnBelow < yawThreshold < 90 (degrees), got returnBelow ${returnBelow}, yawThreshold ${yawThreshold}`);
  }
  let armed = false;
  let first: HeadTurnSide | undefined;
  let passedAt: number | undefined;
  const state = (): HeadTurnState => {
    if (passedAt !== undefined) return { phase: 'passed', firstSide: first!, passedAtMs: passedAt };
    return first ? { phase: 'turned-one-way', firstSide: first } : { phase: 'center' };
  };
  return {
    update(yaw, timestampMs) {
      if (passedAt !== undefined) return state();
      if (yaw === undefined || Number.isNaN(yaw)) {
        armed = false;
        first = undefined;
        return state();
      }
      if (!armed) {
        if (Math.abs(yaw) <= returnBelow) armed = true;
        return state();
      }
      const side: HeadTurnSide | undefined = yaw > yawThreshold ? 'right' : yaw < -yawThreshold ? 'left' : undefined;
      if (side && !first) first = side;
      else if (side && side !== first) passedAt = timestampMs;
      return state();
    },
    get passed() {
      return passedAt !== undefined;
    },
    reset() {
      armed = false;
      first = undefined;
      passedAt = undefined;
    },
  };
}
