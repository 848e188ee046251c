// Is this frame a copy of another? A camera never gives the same frame twice: between two
// frames the head moves, the light and the sensor noise change. A copy does: the same picture
// sent twice in one login, or the frames of an earlier login sent again (re-encoded, resized,
// with noise added or reordered to fit a new challenge). A frame's fingerprint is what survives
// such edits: its flip-test embedding and the shape of its five keypoints in the face's own
// frame (eyes at (±0.5, 0), so scale, shift and roll drop out). Two frames are near-duplicates
// when both agree. Measured on real photos (packages/node/src/verifier/recheck.test.ts): copies
// re-encoded, resized to 80 % or noised and brightened kept cosine ≥ 0.97 and keypoints within
// 0.025 eye distances (the most on the smallest face, 45 px between the eyes); other photos of the same person stayed at cosine ≤ 0.79 and 0.07 or more
// apart. What this cannot tell apart is a still person filmed twice in the same pose and light:
// frames of a camera held on a motionless face can read as copies, which is why a login asks
// for a head turn (its frames differ by 20° or more), and why a replay is a whole login seen
// again, not one frame.
import { InvalidOptionError } from '../errors.js';
import type { Keypoints5 } from '../model-io/detection-types.js';
import { dot } from '../match/vector.js';

export interface FrameFingerprint {
  /** The face's unit embedding. */
  embedding: Float32Array;
  /** Nose and mouth corners [x, y] × 3 in the eye frame: origin between the eyes, the eye line along x, eye distance 1. */
  shape: Float32Array;
}

export interface NearDuplicateOptions {
  /** Cosine between the embeddings at or above which the faces look the same. @defaultValue 0.95 */
  minCosine?: number;
  /** Largest distance of a nose or mouth keypoint between the two shapes, in eye distances. @defaultValue 0.03 */
  maxShapeShift?: number;
}

export const NEAR_DUPLICATE_DEFAULTS = Object.freeze({ minCosine: 0.95, maxShapeShift: 0.03 });

/** The fingerprint of one face: its keypoints and unit embedding. Throws on coincident eyes. */
export function frameFingerprint(face: { keypoints: Readonly<Keypoints5>; embedding: Float32Array }): FrameFingerprint {
  const [le, re] = face.keypoints;
  const ex = (le[0] + re[0]) / 2, ey = (le[1] + re[1]) / 2;
  const dx = re[0] - le[0], dy = re[1] - le[1];
  const iod2 = dx * dx + dy * dy;
  if (!(iod2 > 0)) throw new InvalidOptionError('A fingerprint needs two distinct eye keypoints.');
  const shape = new Float32Array(6);
  for (let k = 2; k < 5; k++) {
    const px = face.keypoints[k]![0] - ex, py = face.keypoints[k]![1] - ey;
    // Rotated onto the eye line and divided by the eye distance, in one step.
    shape[(k - 2) * 2] = (px * dx + py * dy) / iod2;
    shape[(k - 2) * 2 + 1] = (-px * dy + py * dx) / iod2;
  }
  return { embedding: face.embedding, shape };
}

/** Largest distance between corresponding shape points of two fingerprints, in eye distances. */
export function shapeShift(a: FrameFingerprint, b: FrameFingerprint): number {
  let worst = 0;
  for (let i = 0; i < a.shape.length; i += 2) {
    worst = Math.max(worst, Math.hypot(a.shape[i]! - b.shape[i]!, a.shape[i + 1]! - b.shape[i + 1]!));
  }
  return worst;
}

export function isNearDuplicate(a: FrameFingerprint, b: FrameFingerprint, options: NearDuplicateOptions = {}): boolean {
  const { minCosine, maxShapeShift } = { ...NEAR_DUPLICATE_DEFAULTS, ...options };
  return dot(a.embedding, b.embedding) >= minCosine && shapeShift(a, b) <= maxShapeShift;
}

/** Index pairs [i, j] (i < j) of near-duplicate fingerprints. */
export function nearDuplicatePairs(prints: readonly FrameFingerprint[], options: NearDuplicateOptions = {}): [number, number][] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < prints.length; i++) {
    for (let j = i + 1; j < prints.length; j++) if (isNearDuplicate(prints[i]!, prints[j]!, options)) pairs.push([i, j]);
  }
  return pairs;
}

export interface ReplayMemoryOptions extends NearDuplicateOptions {
  /** Logins remembered per id (the oldest is forgotten first). @defaultValue 20 */
  loginsPerId?: number;
  /** Ids remembered (the least recently used is forgotten first). @defaultValue 10000 */
  maxIds?: number;
}

/**
 * The frames of earlier logins, per id, to refuse them when they come again. A login is a replay
 * when every one of its frames nearly equals a frame of one earlier login: the frames sent again,
 * in any order, re-encoded or resized. (One frame alike is not enough: a person who faces the
 * camera the same way every morning would be refused.) Bounded in ids and in logins per id, so a
 * flood cannot grow it without limit. In memory: a server that restarts forgets (keep the
 * fingerprints in your database to remember across restarts).
 */
export interface ReplayMemory {
  /** Whether every one of `prints` nearly equals a frame of one login remembered for `id`. */
  isReplay(id: string, prints: readonly FrameFingerprint[]): boolean;
  /** Remembers one login's frames for `id`. */
  remember(id: string, prints: readonly FrameFingerprint[]): void;
  readonly ids: number;
}

export function createReplayMemory(options: ReplayMemoryOptions = {}): ReplayMemory {
  const loginsPerId = options.loginsPerId ?? 20;
  const maxIds = options.maxIds ?? 10_000;
  if (!Number.isInteger(loginsPerId) || loginsPerId < 1 || !Number.isInteger(maxIds) || maxIds < 1) {
    throw new InvalidOptionError(`loginsPerId and maxIds must be positive integers, got ${loginsPerId} and ${maxIds}.`);
  }
  // Map order is recency order: a remembered id moves to the end.
  const byId = new Map<string, FrameFingerprint[][]>();
  return {
    isReplay(id, prints) {
      if (prints.length === 0) return false;
      return (byId.get(id) ?? []).some((login) => prints.every((p) => login.some((q) => isNearDuplicate(p, q, options))));
    },
    remember(id, prints) {
      const logins = byId.get(id) ?? [];
      byId.delete(id);
      logins.push([...prints]);
      if (logins.length > loginsPerId) logins.shift();
      byId.set(id, logins);
      if (byId.size > maxIds) byId.delete(byId.keys().next().value!);
    },
    get ids() { return byId.size; },
  };
}
