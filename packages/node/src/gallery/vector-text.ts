// pgvector's text form, '[x1,x2,...]', both ways. Float32 values written as the shortest
// decimal of their double read back to the same float32 in pgvector (strtof), and pgvector's
// output reads back exactly through Number(), so templates round-trip bit for bit.
import { StorageError } from '@facekit/core';

/** '[…]' for a vector of finite numbers (the caller has checked them). */
export function vectorLiteral(v: Float32Array): string {
  let s = '[';
  for (let i = 0; i < v.length; i++) s += (i === 0 ? '' : ',') + v[i]!;
  return s + ']';
}

/** A float32 vector of `dim` values from pgvector's text output. */
export function parseVector(text: string, dim: number): Float32Array {
  const out = new Float32Array(dim);
  if (typeof text !== 'string' || text[0] !== '[' || text[text.length - 1] !== ']') {
    throw new StorageError(`PostgreSQL gallery: a stored vector is not pgvector text: ${String(text).slice(0, 40)}`);
  }
  let i = 0;
  let start = 1;
  for (let j = 1; j < text.length; j++) {
    const ch = text.charCodeAt(j);
    if (ch === 44 /* , */ || j === text.length - 1) {
      if (i < dim) out[i] = Number(text.slice(start, j));
      i++;
      start = j + 1;
    }
  }
  if (i !== dim) throw new StorageError(`PostgreSQL gallery: a stored vector has ${i} values, not ${dim}.`);
  return out;
}
