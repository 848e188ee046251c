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

/**
 * Dot product of the float32 row at data[base..base+dim) with q, accumulated in float64.
 * The one summation every gallery uses (in memory, and the re-rank of the PostgreSQL one), so
 * exact and pre-filtered searches agree bit for bit. No checks: callers pass unit rows of `dim`.
 */
export function rowDot(data: Float32Array, base: number, q: Float32Array, dim: number, dim4: number): number {
  // Four accumulators break the add dependency chain (about 2× faster in V8 at 10k × 512).
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let j = 0;
  for (; j < dim4; j += 4) {
    s0 += data[base + j]! * q[j]!;
    s1 += data[base + j + 1]! * q[j + 1]!;
    s2 += data[base + j + 2]! * q[j + 2]!;
    s3 += data[base + j + 3]! * q[j + 3]!;
  }
  for (; j < dim; j++) s0 += data[base + j]! * q[j]!;
  return s0 + s1 + (s2 + s3);
}

/**
 * L2-normalised mean of unit embeddings of one length (a template from several frames, or the
 * probe of a window of frames). InvalidInputError for an empty list.
 */
export function meanEmbedding(list: readonly Float32Array[]): Float32Array {
  if (list.length === 0) throw new InvalidInputError('meanEmbedding needs at least one embedding.');
  const sum = new Float32Array(list[0]!.length);
  for (const e of list) for (let i = 0; i < sum.length; i++) sum[i]! += e[i]!;
  return l2Normalize(sum, sum);
}
