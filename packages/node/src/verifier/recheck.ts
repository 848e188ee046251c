// The server's own verdict on a login: the frames a page verified on are run again through
// detection, passive liveness and embedding here, where the person at the browser cannot change
// the code, and compared with the claimed identity's templates in the gallery: median passive
// liveness over every frame (turned ones included: the burst is judged as a whole), and the mean
// embedding of the frames facing the camera against the template at the calibrated flip-test
// threshold, plus what only a server can check:
// - every frame shows the same person, so live frames of one person cannot carry a photo of another;
// - the head turn the server asked for (`turns`): the frames must show it in that order, run
//   through the browser's own challenge (createHeadTurnChallenge: yaw, nose parallax, identity),
//   which one photo, or several copies of it, cannot;
// - no two frames are copies of each other, and none is a copy of an earlier login's frame
//   (`replay`): a camera never gives the same frame twice;
// - the frames come from one camera at one moment (`continuity`): in the order sent, each shares
//   its scene with the next (checkSceneContinuity), so photos of the person from different
//   occasions, sent in the order of a turn, are refused. The browser's capture() in turn modes
//   sends a burst over the turn, a quarter to half a second apart, for this.
import {
  DEFAULT_LIVENESS_THRESHOLD, HEAD_TURN_DEFAULTS, InvalidInputError, InvalidOptionError, checkSceneContinuity, createHeadTurnChallenge, dot,
  frameFingerprint, headPoseFromKeypoints, median, meanEmbedding, nearDuplicatePairs, pickMainFace, sceneSignature, thresholdFor,
  type FrameFingerprint, type HeadTurnSide, type NearDuplicateOptions, type ReplayMemory, type SceneSignature,
} from '@facekit/core';
import type { NodeFaceKit } from '../create-face-kit.js';
import { decodeImage, type NodeImageInput } from '../decode.js';
import type { PgGallery } from '../gallery/pg-gallery.js';

/** Why a re-check says no. */
export type RecheckReason =
  /** A frame shows no face. */
  | 'no-face'
  /** A frame shows several faces of similar size. */
  | 'ambiguous'
  /** The frames do not all show the same person. */
  | 'frames-differ'
  /** Two frames are copies of one picture (the same frame sent twice, or a still injected). */
  | 'frames-identical'
  /** The frames are those of an earlier verified login of this id, sent again (`replay`). */
  | 'replayed'
  /** The frames do not show the head turn asked for (`turns`), in its order, from a frame facing the camera. */
  | 'no-turn'
  /** The frames do not come from one camera at one moment: a frame's scene differs from the next one's, or the frames differ in size (`continuity`). */
  | 'not-one-moment'
  /** Median passive liveness below the threshold. */
  | 'not-live'
  /** Not the claimed identity (also when that identity is not enrolled: the answer does not tell). */
  | 'no-match';

export interface RecheckOptions {
  /** False-accept rate of the match threshold (flip-test calibration of the kit's recognizer). @defaultValue 1e-4 */
  far?: number;
  /** A cosine threshold of your own; overrides `far`. */
  threshold?: number;
  /** Passive liveness threshold on the fused score. @defaultValue DEFAULT_LIVENESS_THRESHOLD */
  livenessThreshold?: number;
  /** Fewest frames a decision is made on. @defaultValue 5 with `turns` (a burst over the turn: a frame facing the camera, one per side, and frames between), else 1 */
  minFrames?: number;
  /** Most frames accepted. @defaultValue 16 (capture()'s burst: at most 12, plus the challenge's 3) */
  maxFrames?: number;
  /**
   * Whether the frames, in the order sent, must each share their scene with the next (one camera,
   * one moment), and at what largest scene distance. Only `false` for frames that are not a
   * camera's on purpose (tests of the other checks on photos). @defaultValue true, threshold SCENE_CONTINUITY_THRESHOLD
   */
  continuity?: boolean | { threshold: number };
  /**
   * The head turn the server asked for with this login's challenge: the frames, in the order
   * sent, must start facing the camera and then show these sides in this order (the person's
   * own left and right, as the browser's `liveness: 'turn'` asks). Frames turned past
   * `headTurn.yawThreshold` serve the challenge and passive liveness (decided over every frame);
   * the match is decided on the frames facing the camera.
   */
  turns?: readonly [HeadTurnSide, HeadTurnSide];
  /** The challenge's thresholds. @defaultValue HEAD_TURN_DEFAULTS, with sameThreshold at the recognizer's FAR 1e-2 flip-test threshold */
  headTurn?: { yawThreshold?: number; returnBelow?: number; minParallax?: number; sameThreshold?: number };
  /** When two frames count as copies of each other. @defaultValue NEAR_DUPLICATE_DEFAULTS */
  nearDuplicate?: NearDuplicateOptions;
  /**
   * Earlier verified logins' frames: a login whose every frame nearly equals a frame of one of
   * them is refused ('replayed'); a verified login's frames are remembered in it.
   */
  replay?: ReplayMemory;
}

export interface RecheckResult {
  /** The one verdict to act on: same person as enrolled, live, every frame usable, consistent and new, the turn done. */
  verified: boolean;
  /** Why `verified` is false; empty when it is true. */
  reasons: RecheckReason[];
  /** Cosine similarity of the frontal frames' mean embedding with the best template; undefined when not computed (no usable frame, or an unknown id). */
  similarity: number | undefined;
  threshold: number;
  /** Median fused liveness over every usable frame (turned ones included); undefined when no frame faced the camera. */
  livenessScore: number | undefined;
  livenessThreshold: number;
  /** Lowest cosine similarity between two of the usable frames (1 with one frame). */
  consistency: number | undefined;
  /** With `continuity` and 2 or more usable frames: each usable frame's scene distance to the next (NaN: nothing to compare), and the threshold. */
  scene?: { distances: number[]; threshold: number };
  /** Per frame: 'ok', or why it was not usable. */
  frames: ('ok' | 'no-face' | 'ambiguous')[];
  /** Per usable frame: head yaw in degrees (> 0: turned to the person's own left). */
  yaws: number[];
  /** With `turns`: the sides the challenge counted, in order (both, in the asked order, when done). */
  turned?: HeadTurnSide[];
  durationMs: number;
}

/**
 * Re-runs detection, passive liveness and embedding (with the flip test) on `frames` and
 * compares them with `id`'s templates in `gallery`. Bad frames (not images, too small) throw the
 * kit's typed errors; a frame without a usable face is a reason, not an error.
 */
export async function recheckFrames(
  kit: NodeFaceKit, gallery: PgGallery, id: string, frames: readonly NodeImageInput[], options: RecheckOptions = {},
): Promise<RecheckResult> {
  const t0 = performance.now();
  const turns = options.turns;
  if (turns !== undefined && !(Array.isArray(turns) && turns.length === 2 && turns.every((t) => t === 'left' || t === 'right') && turns[0] !== turns[1])) {
    throw new InvalidOptionError(`turns must be ['left', 'right'] or ['right', 'left'], got ${JSON.stringify(turns)}.`);
  }
  const minFrames = options.minFrames ?? (turns ? 5 : 1);
  const maxFrames = options.maxFrames ?? 16;
  if (!Number.isInteger(minFrames) || !Number.isInteger(maxFrames) || minFrames < 1 || maxFrames < minFrames) {
    throw new InvalidOptionError(`minFrames and maxFrames must be integers with 1 ≤ minFrames ≤ maxFrames, got ${minFrames} and ${maxFrames}.`);
  }
  if (typeof id !== 'string' || id === '') throw new InvalidInputError(`The claimed id must be a non-empty string, got ${JSON.stringify(id)}.`);
  if (!Array.isArray(frames) || frames.length < minFrames || frames.length > maxFrames) {
    throw new InvalidInputError(`Send ${minFrames === maxFrames ? minFrames : `${minFrames} to ${maxFrames}`} frames, got ${Array.isArray(frames) ? frames.length : typeof frames}.`);
  }
  if (gallery.model !== kit.info.recognizer) {
    throw new InvalidOptionError(`The gallery holds ${gallery.model} embeddings; the kit runs ${kit.info.recognizer}: embeddings of different recognizers cannot be compared.`);
  }
  const threshold = options.threshold ?? thresholdFor(kit.info.recognizer, options.far ?? 1e-4, true);
  const livenessThreshold = options.livenessThreshold ?? DEFAULT_LIVENESS_THRESHOLD;
  const yawThreshold = options.headTurn?.yawThreshold ?? HEAD_TURN_DEFAULTS.yawThreshold;
  // The browser verifier's identity check during a turn: a turned face is further from the
  // frontal one than two frontal photos are, so the looser FAR 1e-2 threshold.
  const challenge = turns
    ? createHeadTurnChallenge({ sameThreshold: thresholdFor(kit.info.recognizer, 1e-2, true), ...options.headTurn, order: turns })
    : undefined;

  const continuity = options.continuity ?? true;
  if (typeof continuity === 'object' && !(continuity.threshold >= 0 && Number.isFinite(continuity.threshold))) {
    throw new InvalidOptionError(`continuity.threshold must be a finite number ≥ 0, got ${String(continuity.threshold)}.`);
  }
  const status: RecheckResult['frames'] = [];
  const prints: FrameFingerprint[] = [];
  // With `turns`, copies are looked for among the challenge's own frames (its reference and each
  // counted side): neighbouring frames of a burst from a person holding still can be as alike as copies.
  const challengePrints: FrameFingerprint[] = [];
  const scenes: SceneSignature[] = [];
  const yaws: number[] = [];
  // The frames facing the camera (all of them without `turns`): the match is decided on these.
  const frontal: Float32Array[] = [];
  // Passive liveness of every usable frame, turned ones included: a burst is judged as a whole.
  const liveness: number[] = [];
  for (const [i, frame] of frames.entries()) {
    const image = await decodeImage(frame);
    const { faces } = await kit.analyze(image, { flip: true, liveness: true, livenessThreshold });
    const main = pickMainFace(faces);
    if (main.face === undefined) { status.push(main.reason); continue; }
    const face = main.face;
    status.push('ok');
    const print = frameFingerprint(face);
    prints.push(print);
    if (continuity !== false) scenes.push(sceneSignature(image, face.box));
    const yaw = headPoseFromKeypoints(face.keypoints).yaw;
    yaws.push(yaw);
    // Frames are fed in the order sent, one step of video apart.
    const before = challenge?.state;
    const after = challenge?.update({ keypoints: face.keypoints, embedding: face.embedding }, i);
    if (before && after && (after.referenceAtMs !== before.referenceAtMs || after.done.length > before.done.length)) {
      if (after.referenceAtMs !== before.referenceAtMs) challengePrints.length = 0;
      if (after.referenceAtMs !== undefined) challengePrints.push(print);
    }
    liveness.push(face.liveness!.score);
    if (!turns || Math.abs(yaw) < yawThreshold) frontal.push(face.embedding);
  }

  const reasons = new Set<RecheckReason>();
  for (const s of status) if (s !== 'ok') reasons.add(s);
  if (nearDuplicatePairs(turns ? challengePrints : prints, options.nearDuplicate).length > 0) reasons.add('frames-identical');
  let scene: RecheckResult['scene'];
  if (continuity !== false && scenes.length >= 2) {
    const c = checkSceneContinuity(scenes, continuity === true ? undefined : continuity.threshold);
    scene = { distances: c.distances, threshold: c.threshold };
    if (!c.continuous) reasons.add('not-one-moment');
  }
  if (options.replay?.isReplay(id, prints)) reasons.add('replayed');
  if (challenge) {
    if (!challenge.passed) reasons.add('no-turn');
    if (challenge.state.identityBreaks > 0) reasons.add('frames-differ');
  }
  let similarity: number | undefined;
  let livenessScore: number | undefined;
  let consistency: number | undefined;
  if (frontal.length > 0) {
    // Every pair of frontal frames must match at the threshold a match needs. (Each frame against
    // the mean is not enough: two unrelated faces are both at cos ≈ 0.7 to their mean.)
    consistency = 1;
    for (let i = 0; i < frontal.length; i++) {
      for (let j = i + 1; j < frontal.length; j++) consistency = Math.min(consistency, dot(frontal[i]!, frontal[j]!));
    }
    if (consistency < threshold) reasons.add('frames-differ');
    livenessScore = median(liveness);
    if (!(livenessScore >= livenessThreshold)) reasons.add('not-live');
    similarity = await gallery.similarityTo(id, meanEmbedding(frontal));
    if (similarity === undefined || similarity < threshold) reasons.add('no-match');
  } else if (status.every((s) => s === 'ok')) {
    reasons.add('no-turn'); // every face turned away: nothing faced the camera
  }
  const verified = reasons.size === 0 && prints.length === frames.length;
  // Only a login that got in is remembered: its frames must never get in again.
  if (verified) options.replay?.remember(id, prints);
  return {
    verified,
    reasons: [...reasons],
    similarity, threshold, livenessScore, livenessThreshold, consistency,
    ...(scene ? { scene } : {}),
    frames: status,
    yaws,
    ...(challenge ? { turned: [...challenge.state.done] } : {}),
    durationMs: performance.now() - t0,
  };
}
