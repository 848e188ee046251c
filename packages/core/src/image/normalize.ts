import type { InputSpec } from '../registry/types.js';

/**
 * RGBA (row-major, 4 bytes a pixel) → planar CHW Float32 in the model's colour order,
 * `(v - mean) / std`. One pass over the pixels; writes into `out` (no allocation), which
 * must hold 3 × width × height floats.
 */
export function rgbaToChw(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  spec: Pick<InputSpec, 'colorOrder' | 'mean' | 'std'>,
  out: Float32Array,
): Float32Array {
  const plane = width * height;
  if (out.length < plane * 3) throw new RangeError(`output holds ${out.length} floats, needs ${plane * 3}`);
  if (rgba.length < plane * 4) throw new RangeError(`RGBA holds ${rgba.length} bytes, needs ${plane * 4}`);
  // Source byte offset feeding planes 0, 1, 2.
  const bgr = spec.colorOrder === 'bgr';
  const c0 = bgr ? 2 : 0;
  const c2 = bgr ? 0 : 2;
  const s0 = 1 / spec.std[0], s1 = 1 / spec.std[1], s2 = 1 / spec.std[2];
  const b0 = -spec.mean[0] * s0, b1 = -spec.mean[1] * s1, b2 = -spec.mean[2] * s2;
  for (let i = 0, p = 0; i < plane; i++, p += 4) {
    out[i] = rgba[p + c0]! * s0 + b0;
    out[plane + i] = rgba[p + 1]! * s1 + b1;
    out[2 * plane + i] = rgba[p + c2]! * s2 + b2;
  }
  return out;
}
