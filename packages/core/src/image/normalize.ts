import type { InputSpec } from '../registry/model-spec.js';
import { InvalidInputError } from '../errors.js';

/**
 * How RGBA bytes become a model's input planes: plane k reads byte `src[k]` of a pixel and
 * stores `v · scale[k] + bias[k]`, which is `(v - mean) / std` in the model's colour order.
 * Shared by every loop that writes model input (letterbox, face warp).
 */
export interface ChannelTransform {
  src: [number, number, number];
  scale: [number, number, number];
  bias: [number, number, number];
}

export function channelTransform(spec: Pick<InputSpec, 'colorOrder' | 'mean' | 'std'>): ChannelTransform {
  const bgr = spec.colorOrder === 'bgr';
  const scale: [number, number, number] = [1 / spec.std[0], 1 / spec.std[1], 1 / spec.std[2]];
  return {
    src: bgr ? [2, 1, 0] : [0, 1, 2],
    scale,
    bias: [-spec.mean[0] * scale[0], -spec.mean[1] * scale[1], -spec.mean[2] * scale[2]],
  };
}

/**
 * RGBA (row-major, 4 bytes a pixel, `width` × `height`) → planar CHW Float32 in the model's
 * colour order, `(v - mean) / std`, written to the top-left of `outWidth` × `outHeight` planes
 * whose remainder gets the value of a black (0) pixel: the letterbox padding, without ever
 * reading it back from a canvas. One pass; writes into `out` (no allocation), which must hold
 * 3 × outWidth × outHeight floats.
 */
export function rgbaToChw(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  spec: Pick<InputSpec, 'colorOrder' | 'mean' | 'std'>,
  out: Float32Array,
  outWidth = width,
  outHeight = height,
): Float32Array {
  const plane = outWidth * outHeight;
  if (width > outWidth || height > outHeight) throw new InvalidInputError(`A ${width}×${height} image does not fit a ${outWidth}×${outHeight} input; resize or letterbox it first.`);
  if (out.length < plane * 3) throw new InvalidInputError(`Output holds ${out.length} floats, needs ${plane * 3}; pass a buffer of at least that length.`);
  if (rgba.length < width * height * 4) throw new InvalidInputError(`RGBA source holds ${rgba.length} bytes, a ${width}×${height} image needs ${width * height * 4}; pass the buffer and size of the same image.`);
  const { src: [c0, c1, c2], scale: [s0, s1, s2], bias: [b0, b1, b2] } = channelTransform(spec);
  const p1 = plane, p2 = 2 * plane;
  for (let y = 0, p = 0; y < height; y++) {
    const row = y * outWidth;
    for (let x = 0; x < width; x++, p += 4) {
      const i = row + x;
      out[i] = rgba[p + c0]! * s0 + b0;
      out[p1 + i] = rgba[p + c1]! * s1 + b1;
      out[p2 + i] = rgba[p + c2]! * s2 + b2;
    }
    if (width < outWidth) {
      out.fill(b0, row + width, row + outWidth);
      out.fill(b1, p1 + row + width, p1 + row + outWidth);
      out.fill(b2, p2 + row + width, p2 + row + outWidth);
    }
  }
  if (height < outHeight) {
    out.fill(b0, height * outWidth, plane);
    out.fill(b1, p1 + height * outWidth, p1 + plane);
    out.fill(b2, p2 + height * outWidth, p2 + plane);
  }
  return out;
}
