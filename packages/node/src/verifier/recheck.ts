// The server's own verdict on a login: the frames a page verified on are run again through
// detection, passive liveness and embedding here, where the person at the browser cannot change
// the code, and compared with the claimed identity's templates in the gallery. The decision
// mirrors the browser verifier's (median liveness over the frames, the mean embedding against
// the template at the calibrated flip-test threshold), plus a check that every frame shows the
// same person, so live frames of one person cannot carry a photo of another.
import {
  DEFAULT_LIVENESS_THRESHOLD, InvalidInputError, InvalidOptionError, dot, median, meanEmbedding, pickMainFace, thresholdFor,
} from '@facekit/core';
import type { NodeFaceKit } from '../create-face-kit.js';
import type { NodeImageInput } from '../decode.js';
import type { PgGallery } from '../gallery/pg-gallery.js';

/** Why a re-check says no. */
export type RecheckReason =
  /** A frame shows no face. */
  | 'no-face'
  /** A frame shows several faces of similar size. */
  | 'ambiguous'
  /** The frames do not all show the same person. */
  | 'frames-differ'
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
  /** Fewest frames a decision is made on. @defaultValue 1 */
  minFrames?: number;
  /** Most frames accepted. @defaultValue 5 */
  maxFrames?: number;
}

export interface RecheckResult {
  /** The one verdict to act on: same person as enrolled, live, every frame usable and consistent. */
  verified: boolean;
  /** Why `verified` is false; empty when it is true. */
  reasons: RecheckReason[];
  /** Cosine similarity of the frames' mean embedding with the best template; undefined when not computed (no usable frame, or an unknown id). */
  similarity: number | undefined;
  threshold: number;
  /** Median fused liveness over the usable frames; undefined with no usable frame. */
  livenessScore: number | undefined;
  livenessThreshold: number;
  /** Lowest cosine similarity between two of the usable frames (1 with one frame). */
  consistency: number | undefined;
  /** Per frame: 'ok', or why it was not usable. */
  frames: ('ok' | 'no-face' | 'ambiguous')[];
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
  const minFrames = options.minFrames ?? 1;
  const maxFrames = options.maxFrames ?? 5;
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

  const status: RecheckResult['frames'] = [];
  const embeddings: Float32Array[] = [];
  const liveness: number[] = [];
  for (const frame of frames) {
    const { faces } = await kit.analyze(frame, { flip: true, liveness: true, livenessThreshold });
    const main = pickMainFace(faces);
    if (main.face === undefined) { status.push(main.reason); continue; }
    status.push('ok');
    embeddings.push(main.face.embedding);
    liveness.push(main.face.liveness!.score);
  }

  const reasons = new Set<RecheckReason>();
  for (const s of status) if (s !== 'ok') reasons.add(s);
  let similarity: number | undefined;
  let livenessScore: number | undefined;
  let consistency: number | undefined;
  if (embeddings.length > 0) {
    const probe = meanEmbedding(embeddings);
    // Every pair of frames must match at the threshold a match needs. (Each frame against the
    // mean is not enough: two unrelated faces are both at cos ≈ 0.7 to their mean.)
    consistency = 1;
    for (let i = 0; i < embeddings.length; i++) {
      for (let j = i + 1; j < embeddings.length; j++) consistency = Math.min(consistency, dot(embeddings[i]!, embeddings[j]!));
    }
    if (consistency < threshold) reasons.add('frames-differ');
    livenessScore = median(liveness);
    if (!(livenessScore >= livenessThreshold)) reasons.add('not-live');
    similarity = await gallery.similarityTo(id, probe);
    if (similarity === undefined || similarity < threshold) reasons.add('no-match');
  }
  return {
    verified: reasons.size === 0 && embeddings.length === frames.length,
    reasons: [...reasons],
    similarity, threshold, livenessScore, livenessThreshold, consistency,
    frames: status,
    durationMs: performance.now() - t0,
  };
}
