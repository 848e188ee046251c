/**
 * Scales `v` to unit L2 length, writing into `out` (a new array when omitted; may be `v`
 * itself). The norm is accumulated in float64 so float32 inputs cannot overflow it.
 * Throws a RangeError when the norm is zero or not finite (NaN/±Infinity in `v`), since
 * such a vector has no direction to compare.
 */
export function l2Normalize(v: Float32Array, out: Float32Array = new Float32Array(v.length)): Float32Array {
  const n = v.length;
  if (out.length !== n) throw new RangeError(`output holds ${out.length} floats, expected ${n}`);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const x = v[i]!;
    ss += x * x;
  }
  if (!(ss > 0) || !Number.isFinite(ss)) {
    throw new RangeError(ss === 0 ? 'cannot normalize a zero vector' : 'cannot normalize a vector with non-finite values');
  }
  const s = 1 / Math.sqrt(ss);
  for (let i = 0; i < n; i++) out[i] = v[i]! * s;
  return out;
}

/** Inner product of two equal-length vectors, accumulated in float64. */
export function dot(a: Float32Array, b: Float32Array): number {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`vector lengths differ: ${n} vs ${b.length}`);
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Cosine of the angle between `a` and `b`: dot(a, b) / (|a| |b|), in one pass, so the inputs
 * need not be normalized. Clamped to [-1, 1] against rounding. Throws a RangeError on a
 * length mismatch or a zero / non-finite vector.
 */
export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`vector lengths differ: ${n} vs ${b.length}`);
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]!, y = b[i]!;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  const denom = Math.sqrt(aa) * Math.sqrt(bb);
  if (!(denom > 0) || !Number.isFinite(denom) || !Number.isFinite(ab)) {
    throw new RangeError(aa === 0 || bb === 0 ? 'cosine similarity of a zero vector is undefined' : 'cosine similarity of a vector with non-finite values');
  }
  const c = ab / denom;
  return c > 1 ? 1 : c < -1 ? -1 : c;
}
