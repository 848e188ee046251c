// pgvector's wire forms. Text, '[x1,x2,...]', for writing: float32 values written as the
// shortest decimal of their double read back to the same float32 in pgvector (strtof). Binary
// (vector_send: int16 dim, int16 unused, dim big-endian float32) for reading: no decimal
// formatting in the database and no parsing here, and the floats arrive bit for bit.
import { StorageError } from '@facekit/core';

/** '[…]' for a vector of finite numbers (the caller has checked them). */
export function vectorLiteral(v: Float32Array): string {
  let s = '[';
  for (let i = 0; i < v.length; i++) s += (i === 0 ? '' : ',') + v[i]!;
  return s + ']';
}

/** A float32 vector of `dim` values from pgvector's binary output. */
export function vectorFromBinary(bytes: Uint8Array, dim: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength !== 4 + 4 * dim || view.getInt16(0) !== dim) {
    throw new StorageError(`PostgreSQL gallery: a stored vector has ${bytes.byteLength >= 2 ? view.getInt16(0) : 0} values (${bytes.byteLength} bytes), not ${dim}.`);
  }
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) out[i] = view.getFloat32(4 + 4 * i);
  return out;
}
