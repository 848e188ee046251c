/**
 * ArcFace-style recognition output: `count` rows of `dim` floats. With the flip test the batch
 * holds the `count` crops and then their mirrored copies; each embedding is then the sum of
 * the two before normalising (InsightFace's evaluation). Returns L2-normalised embeddings.
 */
export function decodeEmbeddings(output: Float32Array, count: number, dim: number, flipped: boolean): Float32Array[] {
  const rows = flipped ? 2 * count : count;
  if (output.length !== rows * dim) throw new Error(`recognizer returned ${output.length} floats, expected ${rows}×${dim}`);
  const out: Float32Array[] = [];
  for (let i = 0; i < count; i++) {
    const e = output.slice(i * dim, (i + 1) * dim);
    if (flipped) {
      const f = i * dim + count * dim;
      for (let j = 0; j < dim; j++) e[j]! += output[f + j]!;
    }
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += e[j]! * e[j]!;
    norm = Math.sqrt(norm);
    if (!(norm > 0) || !Number.isFinite(norm)) throw new Error('recognizer returned a zero or non-finite embedding');
    for (let j = 0; j < dim; j++) e[j]! /= norm;
    out.push(e);
  }
  return out;
}
