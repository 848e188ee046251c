import type { InputSpec } from '../registry/model-spec.js';
import { channelTransform } from './normalize.js';
import { InvalidInputError } from '../errors.js';

/** ITU-R BT.601 luma weights (R, G, B), as OpenCV's RGB2GRAY. */
export const LUMA: readonly [number, number, number] = [0.299, 0.587, 0.114];

/**
 * Planar RGB (3 planes of (w·k)×(h·k) floats, 0–255) → a model's `w`×`h` input planes, each value
 * the mean of a k×k block (area resampling): in the model's colour order, or one grey plane (luma)
 * when `spec.channels` is 1; `(v − mean) / std`; written at `out[outOffset…]`.
 */
export function poolPlanesToInput(
  rgb: Float32Array,
  w: number,
  h: number,
  k: number,
  spec: Pick<InputSpec, 'channels' | 'colorOrder' | 'mean' | 'std'>,
  out: Float32Array,
  outOffset = 0,
): Float32Array {
  const n = w * k, plane = n * h * k, outPlane = w * h;
  const grey = spec.channels === 1;
  const planes = grey ? 1 : 3;
  if (out.length < outOffset + planes * outPlane) throw new InvalidInputError(`Output holds ${out.length} floats, needs ${outOffset + planes * outPlane}; pass a buffer of at least that length.`);
  const { src, scale, bias } = channelTransform(spec);
  const inv = 1 / (k * k);
  for (let c = 0; c < planes; c++) {
    const o0 = outOffset + c * outPlane;
    out.fill(0, o0, o0 + outPlane);
    for (let y = 0; y < h * k; y++) {
      const row = o0 + Math.floor(y / k) * w;
      const line = y * n;
      if (grey) {
        for (let x = 0; x < n; x++) {
          const i = line + x, o = row + Math.floor(x / k);
          out[o] = out[o]! + rgb[i]! * LUMA[0] + rgb[plane + i]! * LUMA[1] + rgb[2 * plane + i]! * LUMA[2];
        }
      } else {
        const p = src[c]! * plane;
        for (let x = 0; x < n; x++) {
          const o = row + Math.floor(x / k);
          out[o] = out[o]! + rgb[p + line + x]!;
        }
      }
    }
    const s = scale[c]! * inv, b = bias[c]!;
    for (let i = o0; i < o0 + outPlane; i++) out[i] = out[i]! * s + b;
  }
  return out;
}

/** Mirrors `c` planes of `w`×`h` floats left–right, in place. */
export function flipPlanes(data: Float32Array, w: number, h: number, c: number, offset = 0): Float32Array {
  for (let row = 0; row < c * h; row++) {
    const start = offset + row * w;
    for (let a = start, b = start + w - 1; a < b; a++, b--) {
      const t = data[a]!;
      data[a] = data[b]!;
      data[b] = t;
    }
  }
  return data;
}
