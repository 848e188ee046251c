import { FaceKitError } from '../errors.js';

/**
 * ArcFace-style recognition output: `count` rows of `dim` floats. With the flip test the batch
 * holds the `count` crops and then their mirrored copies; each embedding is then the sum of
 * the two before normalising (InsightFace's evaluation). Returns L2-normalised embeddings.
 */
export function decodeEmbeddings(output: Float32Array, count: number, dim: number, flipped: boolean): Float32Array[] {
  const rows = flipped ? 2 * count : count;
  if (output.length !== rows * dim) throw new FaceKitError('INTERNAL', `The recognizer returned ${output.length} floats, expected ${rows}×${dim}; the model file does not match its registry entry (a facekit bug)`);
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
    if (!(norm > 0) || !Number.isFinite(norm)) throw new FaceKitError('INTERNAL', 'The recognizer returned a zero or non-finite embedding; the inference backend misbehaved (try backend: \'wasm\')');
    for (let j = 0; j < dim; j++) e[j]! /= norm;
    out.push(e);
  }
  return out;
}
