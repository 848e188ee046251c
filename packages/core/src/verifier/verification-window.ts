// The live verifier's decision logic, without a camera or a worker: which frames of the main
// face join the window a decision is made over, what the person should be told on each frame,
// when the window is ready, and whether liveness passed. The web verifier feeds it one processed
// frame at a time and acts on what it answers.
import { InvalidOptionError } from '../errors.js';
import type { Keypoints5 } from '../model-io/detection-types.js';
import type { HeadPose } from '../geometry/head-pose.js';
import { createBlinkDetector, type EyeOpenness } from '../liveness/blink.js';
import { createBurst } from '../continuity/burst.js';
import { createHeadTurnChallenge, HEAD_TURN_DEFAULTS, type HeadTurnOptions } from '../liveness/head-turn.js';
import { eyesOpenScore } from '../model-io/fr-eye.js';
import { poseHint, type PoseHint } from '../quality/pose-hint.js';
import type { QualityCode } from '../quality/quality-gate.js';

export type LivenessMode = 'passive' | 'blink' | 'passive+blink' | 'turn' | 'passive+turn' | 'off';
export const LIVENESS_MODES: readonly LivenessMode[] = Object.freeze(['passive', 'blink', 'passive+blink', 'turn', 'passive+turn', 'off']);

/**
 * What a UI should tell the person now: a quality code, or a liveness / progress hint. A turned
 * head ('turned' in the quality gate) is told which way to move, in the person's own left and
 * right: 'turn-left', 'turn-right', 'chin-up', 'chin-down'.
 */
export type VerifierHint =
  | Exclude<QualityCode, 'turned'>
  | PoseHint
  | 'blink-now'
  /** The head-turn challenge ('turn' modes): face the camera first, then turn to your own left / right. */
  | 'face-camera'
  | 'look-left'
  | 'look-right'
  | 'not-live'
  | 'hold-still';

/** Why a verify / identify decision is negative. (A missing blink or turn never decides: it times out.) */
export type VerifyReason = 'no-match' | 'not-live';

/** A hint code the quality gate or a liveness check reported, and on how many frames. */
export interface BlockingHint { code: string; frames: number }

/** The main face of one processed frame, as the window needs it (a video loop's face is one). */
export interface WindowFace {
  /** Its track: a new track (someone else in front) restarts the window. */
  trackId: number;
  keypoints: Keypoints5;
  /** Its head pose (yaw in degrees: turn modes decide only on frames facing the camera). */
  measures: { pose: HeadPose };
  /** Present on frames the loop embedded (those that passed the quality gate). */
  embedding?: Float32Array;
  eyes?: EyeOpenness;
  /** The video loop's median passive liveness of this track (its one liveness aggregate). */
  livenessMedian?: number;
}

/** One processed frame, as the window needs it. */
export interface WindowFrame {
  timestamp: number;
  /** The quality gate passed. */
  ok: boolean;
  /** The first blocking quality code, null when ok. */
  hint: QualityCode | null;
  /** The pose the quality gate judged (for a 'turned' hint's direction). */
  pose?: HeadPose;
  main?: WindowFace;
}

export interface VerificationWindowOptions {
  /** Good frames a decision is made over. */
  needed: number;
  liveness: LivenessMode;
  /** Passive liveness threshold on the loop's median score. */
  livenessThreshold: number;
  /**
   * The quality gate's eyes-open threshold (on `eyesOpenScore`). In blink modes the gate does not
   * block closed eyes, and frames below it stay out of the window instead: one threshold for both.
   */
  minEyesOpen: number;
  /** The gate's pose limits, to tell a turned head which way to move. */
  maxYaw: number;
  maxPitch: number;
  /** The head-turn challenge ('turn' modes); `sameThreshold` as resolved by the caller. */
  headTurn?: HeadTurnOptions;
}

/** What one frame did to the window, and what to tell the person. */
export interface WindowStep {
  hint: VerifierHint;
  /** This frame's embedding joined the window. */
  joined: boolean;
  goodFrames: number;
  /** The loop's median liveness of the main track (passive modes). */
  livenessScore?: number;
  blinked: boolean;
  turned: boolean;
  /**
   * Turn modes, while a side is asked: how far the head is turned towards it, as a fraction of
   * the yaw that counts (0 facing the camera or turned the other way, 1 far enough), so a UI can
   * show how much further to go.
   */
  turnProgress?: number;
  /** Enough good frames, and the blink / head turn asked for was seen: decide now. */
  ready: boolean;
}

/** Passive liveness, blink and head turn over the window, as a decision reports them. */
export interface LivenessVerdict {
  score: number | undefined;
  live: boolean;
  /** ['not-live'] when passive liveness failed (blink and turn never fail here: they time out). */
  reasons: VerifyReason[];
  livenessThreshold: number | undefined;
  blinked: boolean;
  /** Only in turn modes. */
  turned?: boolean;
}

/** A frame the window or the head-turn challenge kept: its embedding, payload and head yaw (degrees). */
export interface KeptFrame<T> {
  embedding: Float32Array;
  kept: T | undefined;
  yaw: number;
}

export interface VerificationWindow<T> {
  /** Feeds one frame; `keep` is asked for the frame's payload (e.g. its picture) only when it joins. */
  update(frame: WindowFrame, keep?: () => T | undefined): WindowStep;
  /** The last `needed` good frames' embeddings, oldest first. */
  readonly embeddings: Float32Array[];
  /** The window's frames (the last `needed` good frames), oldest first. */
  readonly frames: KeptFrame<T>[];
  /**
   * Turn modes: the frames of the challenge's moment, in capture order, from the frontal reference
   * to the frame the second side was counted on, evenly spaced (createBurst) and including the
   * challenge's own frames (the reference and each counted side). A server checks that each
   * shares its scene with the next and that they show the turn (`recheckFrames` in
   * @facekit/node); empty in other modes.
   */
  readonly burst: KeptFrame<T>[];
  verdict(): LivenessVerdict;
  /** The hints that blocked progress, most frequent first (for a timeout's explanation). */
  blocking(): BlockingHint[];
}

const POSE_HINTS: ReadonlySet<string> = new Set<PoseHint>(['turn-left', 'turn-right', 'chin-up', 'chin-down']);

/** Checks the mode, and what each flag of it asks for. */
export function livenessModeFlags(mode: LivenessMode): { passive: boolean; blink: boolean; turn: boolean } {
  if (!LIVENESS_MODES.includes(mode)) {
    throw new InvalidOptionError(`liveness must be one of ${LIVENESS_MODES.map((m) => `'${m}'`).join(', ')}, got ${String(mode)}`);
  }
  return {
    passive: mode === 'passive' || mode === 'passive+blink' || mode === 'passive+turn',
    blink: mode === 'blink' || mode === 'passive+blink',
    turn: mode === 'turn' || mode === 'passive+turn',
  };
}

/**
 * One watch's window (one enroll / verify / identify / capture call): frames of the main face
 * join when the quality gate passed and they have an embedding, except, in blink modes, frames
 * with the eyes shut and, in turn modes, frames turned away (they serve the challenge). A new
 * main track restarts it. Passive liveness is the video loop's per-track median (the loop runs
 * with `livenessWindow` = `needed`), read from the latest frame that joined.
 */
export function createVerificationWindow<T = never>(o: VerificationWindowOptions): VerificationWindow<T> {
  const { passive, blink, turn } = livenessModeFlags(o.liveness);
  if (!(o.livenessThreshold >= 0 && o.livenessThreshold <= 1)) throw new InvalidOptionError(`livenessThreshold must be in [0, 1], got ${o.livenessThreshold}`);
  const yawThreshold = o.headTurn?.yawThreshold ?? HEAD_TURN_DEFAULTS.yawThreshold;
  const blinker = createBlinkDetector();
  // A fresh random order on every window (every call).
  const challenge = turn ? createHeadTurnChallenge(o.headTurn) : undefined;
  const hints = new Map<string, number>();
  let track = -1;
  let entries: KeptFrame<T>[] = [];
  const burst = createBurst<KeptFrame<T>>();
  let score: number | undefined;

  const verdict = (): LivenessVerdict => {
    const reasons: VerifyReason[] = passive && !(score! >= o.livenessThreshold) ? ['not-live'] : [];
    return {
      score: passive ? score : undefined, live: reasons.length === 0, reasons,
      livenessThreshold: passive ? o.livenessThreshold : undefined, blinked: blinker.blinked,
      ...(turn ? { turned: challenge!.passed } : {}),
    };
  };

  return {
    update(frame, keepPayload) {
      // One payload per frame, whether the window, the challenge or both keep it.
      let asked = false;
      let payload: T | undefined;
      const keep = keepPayload && ((): T | undefined => {
        if (!asked) { asked = true; payload = keepPayload(); }
        return payload;
      });
      const main = frame.main;
      if (main && main.trackId !== track) {
        track = main.trackId;
        entries = [];
        score = undefined;
        blinker.reset();
        // The challenge goes on across tracks (a head turned far may be lost for a frame, and a
        // photo cut is a new track); its own check that every frame is the same person guards it.
      }
      if (blink) blinker.update(main?.eyes, frame.timestamp, main?.keypoints);
      // Only frames with an embedding: each is checked against the frontal reference's.
      if (main?.embedding && challenge) {
        const before = challenge.state;
        const after = challenge.update({ keypoints: main.keypoints, embedding: main.embedding }, frame.timestamp);
        // The challenge's own frames are the burst's pinned ones. A frame the burst skips is
        // never encoded (`keep` runs only when it is kept).
        const at = () => ({ embedding: main.embedding!, kept: keep?.(), yaw: main.measures.pose.yaw });
        const restarted = after.referenceAtMs !== before.referenceAtMs;
        if (restarted) burst.reset();
        if (after.referenceAtMs !== undefined && (restarted || before.passedAtMs === undefined)) {
          burst.add(at, frame.timestamp, restarted || after.done.length > before.done.length);
        }
      }
      let hint: VerifierHint = 'hold-still';
      let joined = false;
      if (!frame.ok) {
        hint = frame.hint === 'turned' && frame.pose ? poseHint(frame.pose, o) ?? 'turn-left' : frame.hint as Exclude<QualityCode, 'turned'>;
      } else if (main?.embedding) {
        const eyesShut = blink && main.eyes !== undefined && eyesOpenScore(main.eyes) < o.minEyesOpen;
        const turnedAway = turn && Math.abs(main.measures.pose.yaw) >= yawThreshold;
        if (!eyesShut && !turnedAway) {
          entries.push({ embedding: main.embedding, kept: keep?.(), yaw: main.measures.pose.yaw });
          if (entries.length > o.needed) entries.shift();
          if (main.livenessMedian !== undefined) score = main.livenessMedian;
          joined = true;
        }
      }
      const full = entries.length >= o.needed;
      const turnDue = challenge !== undefined && !challenge.passed;
      if (full && blink && !blinker.blinked && frame.ok) hint = 'blink-now';
      else if (turnDue && main && (frame.ok || POSE_HINTS.has(hint))) {
        const { phase, asked } = challenge.state;
        hint = phase === 'face-camera' ? 'face-camera' : asked === 'left' ? 'look-left' : 'look-right';
      } else if (full && passive && score !== undefined && score < o.livenessThreshold && frame.ok) hint = 'not-live';
      if (hint !== 'hold-still') hints.set(hint, (hints.get(hint) ?? 0) + 1);
      const side = challenge?.state.phase === 'turn' ? challenge.state.asked : undefined;
      // 'left' is the person's own left: the nose goes to the image's right, yaw > 0.
      const towards = side && main ? (side === 'left' ? 1 : -1) * main.measures.pose.yaw : undefined;
      return {
        ...(towards !== undefined ? { turnProgress: Math.min(1, Math.max(0, towards / yawThreshold)) } : {}),
        hint, joined, goodFrames: Math.min(entries.length, o.needed),
        ...(passive && score !== undefined ? { livenessScore: score } : {}),
        blinked: blinker.blinked, turned: challenge?.passed ?? false,
        ready: full && (!blink || blinker.blinked) && (!challenge || challenge.passed),
      };
    },
    get embeddings() { return entries.map((e) => e.embedding); },
    get frames() { return [...entries]; },
    get burst() { return burst.frames.map((f) => f.item); },
    verdict,
    blocking: () => [...hints].map(([code, frames]) => ({ code, frames })).sort((a, b) => b.frames - a.frames),
  };
}
