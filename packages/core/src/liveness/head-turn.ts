// Active liveness by turning the head, in the order asked. What it checks beyond the yaw:
// - parallax: a turning head moves its nose across the plane of its eyes and mouth; a flat
//   picture (a print tilted or waved, a screen), whatever it does, moves all five keypoints by
//   one plane-to-plane map. The four eye and mouth keypoints fix that map between the frontal
//   reference and a turned frame; the nose's distance from where the map puts it is the parallax.
// - identity: every embedding seen during the challenge must match the frontal reference, so a
//   face swapped in for one side does not count.
// What it cannot see: a video of the person turning, replayed on a screen (the nose moves in that
// video as it did in life).
import { applyHomography, homographyFrom4 } from '../geometry/homography.js';
import { headPoseFromKeypoints } from '../geometry/head-pose.js';
import type { Keypoints5 } from '../model-io/detection-types.js';
import { dot } from '../match/vector.js';
import { InvalidOptionError } from '../errors.js';

/** The person's own left or right (as a hint tells them): 'left' turns the nose to the image's right (yaw > 0). */
export type HeadTurnSide = 'left' | 'right';

export interface HeadTurnOptions {
  /**
   * A turn counts when |yaw| exceeds this, degrees. 20° is a clear, comfortable turn, and
   * `headPoseFromKeypoints` estimates it to within a few degrees.
   * @defaultValue 20
   */
  yawThreshold?: number;
  /**
   * The face counts as facing the camera when |yaw| is at most this, degrees: the challenge
   * starts from such a frame (its keypoints and embedding are the reference).
   * @defaultValue 10
   */
  returnBelow?: number;
  /**
   * Smallest parallax for a turn to count: the nose's offset, along the eye line and in the
   * direction of the turn, from where the plane through the eyes and mouth corners puts it, in
   * inter-ocular distances. On a model face (MediaPipe's proportions) a head turned 25° gives
   * more than 0.12 (head-turn.test.ts); a flat picture 0 plus keypoint noise, however it is tilted.
   * @defaultValue 0.08
   */
  minParallax?: number;
  /** Cosine an embedding must reach against the reference to be the same person. @defaultValue 0.3 */
  sameThreshold?: number;
  /** The order to ask for. @defaultValue random */
  order?: readonly [HeadTurnSide, HeadTurnSide];
  /** For the random order. @defaultValue Math.random */
  random?: () => number;
}

export const HEAD_TURN_DEFAULTS = Object.freeze({ yawThreshold: 20, returnBelow: 10, minParallax: 0.08, sameThreshold: 0.3 });

/** 'face-camera': waiting for a frontal face; 'turn': `asked` is due; 'passed': both sides done in order (until another person's face is seen). */
export type HeadTurnPhase = 'face-camera' | 'turn' | 'passed';

export interface HeadTurnState {
  phase: HeadTurnPhase;
  /** The side asked for now (phase 'turn'). */
  asked?: HeadTurnSide;
  /** The sides done so far, in order. */
  done: HeadTurnSide[];
  /** Turns past the yaw threshold refused for too little parallax (a flat picture turned). */
  flatTurns: number;
  /** Restarts because an embedding did not match the reference (another face). */
  identityBreaks: number;
  /** The latest turned frame's parallax (inter-ocular distances). */
  parallax?: number;
  /** When the frontal reference frame was seen (its timestamp), while there is one. */
  referenceAtMs?: number;
  passedAtMs?: number;
}

/** One frame of the tracked face: its keypoints and, where computed, its unit embedding. */
export interface HeadTurnSample {
  keypoints: Keypoints5;
  embedding?: Float32Array;
}

export interface HeadTurnChallenge {
  /** One frame; undefined (no face this frame) changes nothing. */
  update(sample: HeadTurnSample | undefined, timestampMs: number): HeadTurnState;
  readonly state: HeadTurnState;
  readonly passed: boolean;
  /** Starts over (a new person, a new track), asking the same order. */
  reset(): void;
}

/**
 * The nose's parallax between a frontal reference and a turned frame: its offset from the point
 * the eyes-and-mouth homography predicts, along the turned frame's eye line, in its inter-ocular
 * distances (positive towards the image's right). Undefined when the four points are degenerate.
 */
export function noseParallax(reference: Readonly<Keypoints5>, current: Readonly<Keypoints5>): number | undefined {
  const idx = [0, 1, 3, 4];
  const h = homographyFrom4(idx.map((i) => reference[i]!), idx.map((i) => current[i]!));
  if (!h) return undefined;
  const [px, py] = applyHomography(h, reference[2]);
  const [lx, ly] = current[0], [rx, ry] = current[1];
  const iod = Math.hypot(rx - lx, ry - ly);
  if (!(iod > 0)) return undefined;
  return ((current[2][0] - px) * (rx - lx) + (current[2][1] - py) * (ry - ly)) / (iod * iod);
}

export function createHeadTurnChallenge(options: HeadTurnOptions = {}): HeadTurnChallenge {
  const o = { ...HEAD_TURN_DEFAULTS, ...options };
  if (!(o.returnBelow >= 0 && o.returnBelow < o.yawThreshold && o.yawThreshold < 90)) {
    throw new InvalidOptionError(`Head-turn options need 0 ≤ returnBelow < yawThreshold < 90 (degrees), got returnBelow ${o.returnBelow}, yawThreshold ${o.yawThreshold}`);
  }
  if (!(o.minParallax >= 0)) throw new InvalidOptionError(`minParallax must be ≥ 0, got ${o.minParallax}`);
  const order: readonly [HeadTurnSide, HeadTurnSide] = options.order ?? ((options.random ?? Math.random)() < 0.5 ? ['left', 'right'] : ['right', 'left']);
  if (order[0] === order[1]) throw new InvalidOptionError(`order must ask for both sides, got ${order.join(', ')}`);
  let reference: { keypoints: Keypoints5; embedding?: Float32Array } | undefined;
  let state: HeadTurnState = { phase: 'face-camera', done: [], flatTurns: 0, identityBreaks: 0 };
  const restart = () => {
    reference = undefined;
    state = { phase: 'face-camera', done: [], flatTurns: state.flatTurns, identityBreaks: state.identityBreaks };
  };
  return {
    update(sample, timestampMs) {
      if (!sample) return state;
      // Checked after passing too: a real person who turned, then a photo of someone else shown,
      // must not keep the pass.
      if (reference?.embedding && sample.embedding && dot(reference.embedding, sample.embedding) < o.sameThreshold) {
        restart();
        state.identityBreaks++;
      }
      if (state.phase === 'passed') return state;
      const yaw = headPoseFromKeypoints(sample.keypoints).yaw;
      if (!reference) {
        if (Math.abs(yaw) <= o.returnBelow) {
          reference = { keypoints: sample.keypoints, ...(sample.embedding ? { embedding: sample.embedding } : {}) };
          state = { ...state, phase: 'turn', asked: order[0], referenceAtMs: timestampMs };
        }
        return state;
      }
      // A frontal frame with an embedding completes a reference that had none.
      if (!reference.embedding && sample.embedding && Math.abs(yaw) <= o.returnBelow) reference.embedding = sample.embedding;
      const side: HeadTurnSide | undefined = yaw > o.yawThreshold ? 'left' : yaw < -o.yawThreshold ? 'right' : undefined;
      if (!side || side !== state.asked) return state;
      const parallax = noseParallax(reference.keypoints, sample.keypoints);
      // Towards the turn: the nose moves to the image's right when the person turns to their left.
      const towards = parallax === undefined ? 0 : side === 'left' ? parallax : -parallax;
      if (towards < o.minParallax) {
        state = { ...state, flatTurns: state.flatTurns + 1, ...(parallax !== undefined ? { parallax } : {}) };
        return state;
      }
      const done = [...state.done, side];
      state = done.length === 2
        ? { phase: 'passed', done, flatTurns: state.flatTurns, identityBreaks: state.identityBreaks, parallax: parallax!, passedAtMs: timestampMs, referenceAtMs: state.referenceAtMs! }
        : { ...state, done, asked: order[1], parallax: parallax! };
      return state;
    },
    get state() { return state; },
    get passed() { return state.phase === 'passed'; },
    reset() {
      restart();
      state = { phase: 'face-camera', done: [], flatTurns: 0, identityBreaks: 0 };
    },
  };
}
