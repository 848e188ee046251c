import { InvalidInputError } from '../errors.js';
import { describeValue } from '../util/describe.js';
import { USE_EMBEDDING, checkEmbedding, type EmbeddingLike } from './embedding-check.js';

export type { EmbeddingLike } from './embedding-check.js';

/**
 * Scales `v` to unit L2 length, writing into `out` (a new array when omitted; may be `v`
 * itself). The norm is accumulated in float64 so float32 inputs cannot overflow it.
 * Throws an InvalidInputError when `v` is not a vector of finite numbers, is all zeros (no
 * direction to keep), or `out` has another length.
 */
export function l2Normalize(v: EmbeddingLike, out?: Float32Array): Float32Array {
  const ss = checkEmbedding(v, 'embedding');
  const n = v.length;
  if (out === undefined) out = new Float32Array(n);
  else if (!(out instanceof Float32Array) || out.length !== n) {
    throw new InvalidInputError(`l2Normalize: out must be a Float32Array of ${n} values (the input's length), got ${out instanceof Float32Array ? `${out.length} values` : describeValue(out)}.`);
  }
  const s = 1 / Math.sqrt(ss);
  for (let i = 0; i < n; i++) out[i] = v[i]! * s;
  return out;
}

/**
 * Inner product of two equal-length vectors, accumulated in float64. Zero vectors are fine
 * (the product is 0); other bad input (wrong type or length, NaN/±Infinity) throws an
 * InvalidInputError.
 */
export function dot(a: EmbeddingLike, b: EmbeddingLike): number {
  checkEmbedding(a, 'embedding a', undefined, true);
  checkEmbedding(b, 'embedding b', sameLength(a), true);
  const n = a.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Cosine of the angle between `a` and `b`: dot(a, b) / (|a| |b|), so the inputs need not be
 * normalized. Clamped to [-1, 1] against rounding. Throws an InvalidInputError on a length
 * mismatch, a value that is not a finite number, or a zero vector (it has no direction).
 */
export function cosineSimilarity(a: EmbeddingLike, b: EmbeddingLike): number {
  const aa = checkEmbedding(a, 'embedding a');
  const bb = checkEmbedding(b, 'embedding b', sameLength(a));
  const n = a.length;
  let ab = 0;
  for (let i = 0; i < n; i++) ab += a[i]! * b[i]!;
  const c = ab / (Math.sqrt(aa) * Math.sqrt(bb));
  // Finite inputs with finite norms give a finite c; the guard keeps NaN out if that ever fails.
  if (!Number.isFinite(c)) throw new InvalidInputError(`Embeddings a and b have no defined cosine similarity. ${USE_EMBEDDING}`);
  return c > 1 ? 1 : c < -1 ? -1 : c;
}

const sameLength = (a: EmbeddingLike) => ({
  dim: a.length,
  why: `embedding a has ${a.length}: compare embeddings from the same recognizer`,
});
