import { InvalidInputError } from '../errors.js';
import { describeValue } from '../util/describe.js';

/** An embedding as facekit returns it (Float32Array), or as JSON gives it back (number[]). */
export type EmbeddingLike = Float32Array | readonly number[];

/** Smallest normal float64. */
const MIN_NORMAL = 2.2250738585072014e-308;

/** What every embedding error tells the caller to do. */
export const USE_EMBEDDING = 'Pass the embedding analyze() or embed() returned, unmodified.';

/** The length an embedding must have, and why (appended to the length error). */
export interface ExpectedLength {
  dim: number;
  /** E.g. `this gallery holds 512-d vectors from fr_feature`. */
  why: string;
}

/**
 * Throws an {@link InvalidInputError} naming `what` unless `v` is a Float32Array or an array of
 * numbers, non-empty, of the expected length, with finite values and (unless `allowZero`) a
 * non-zero norm: NaN poisons every similarity, and a zero vector has no direction to compare.
 * Returns the squared L2 norm, accumulated in float64 (so float32 values cannot overflow it).
 */
export function checkEmbedding(v: unknown, what: string, expected?: ExpectedLength, allowZero = false): number {
  const isF32 = v instanceof Float32Array && ArrayBuffer.isView(v);
  if (!isF32 && !Array.isArray(v)) {
    throw new InvalidInputError(`${capitalize(what)} must be a Float32Array or an array of numbers, got ${describeValue(v)}. ${USE_EMBEDDING}`);
  }
  const a = v as ArrayLike<unknown>;
  const n = a.length;
  if (n === 0) throw new InvalidInputError(`${capitalize(what)} is empty (0 values). ${USE_EMBEDDING}`);
  if (expected && n !== expected.dim) {
    throw new InvalidInputError(`${capitalize(what)} has ${n} values; ${expected.why}. ${USE_EMBEDDING}`);
  }
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i];
    if (typeof x !== 'number') throw new InvalidInputError(`${capitalize(what)} has ${describeValue(x)} at index ${i}, not a number. ${USE_EMBEDDING}`);
    if (!Number.isFinite(x)) throw new InvalidInputError(`${capitalize(what)} has ${x} at index ${i}; an embedding holds finite numbers only (one NaN poisons every similarity). ${USE_EMBEDDING}`);
    ss += x * x;
  }
  if (!Number.isFinite(ss)) throw new InvalidInputError(`${capitalize(what)} has values too large to compare (its length overflows); embeddings are unit length. ${USE_EMBEDDING}`);
  // Below the smallest normal double the norm loses precision (only plain arrays of tiny
  // numbers get there; float32 values square to normal doubles): treat it as zero.
  if (!allowZero && !(ss >= MIN_NORMAL)) {
    throw new InvalidInputError(`${capitalize(what)} is all zeros (or too small to normalize), so it has no direction to compare. ${USE_EMBEDDING}`);
  }
  return ss;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
