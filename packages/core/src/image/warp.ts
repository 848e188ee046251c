import { invertAffine, type Affine2x3 } from '../geometry/similarity-transform.js';
import type { InputSpec } from '../registry/model-spec.js';
import { channelTransform } from './normalize.js';
import { InvalidInputError } from '../errors.js';

/** Receives one warped pixel: its index in the destination (row-major) and its R, G, B. */
type Emit = (dst: number, r: number, g: number, b: number) => void;

/**
 * The loop both warps share: `cv2.warpAffine(img, m, (outWidth, outHeight))` with INTER_LINEAR and
 * BORDER_CONSTANT 0. Destination pixel indices map straight through `m⁻¹` (no half-pixel shift,
 * as in OpenCV) and each of the four taps outside the source counts as 0. Unlike OpenCV, which
 * quantises coordinates to 1/32 pixel and rounds to uint8, samples stay exact floats. Alpha is
 * ignored. `flip` mirrors the result horizontally.
 */
function warpBilinear(
  src: Uint8Array | Uint8ClampedArray,
  srcWidth: number,
  srcHeight: number,
  m: Readonly<Affine2x3>,
  outWidth: number,
  outHeight: number,
  flip: boolean,
  emit: Emit,
): void {
  if (src.length < srcWidth * srcHeight * 4) {
    throw new InvalidInputError(`RGBA source holds ${src.length} bytes, a ${srcWidth}×${srcHeight} image needs ${srcWidth * srcHeight * 4}; pass the buffer and size of the same image.`);
  }
  const [ia, ib, itx, ic, id, ity] = invertAffine(m);
  const stride = srcWidth * 4;
  for (let y = 0; y < outHeight; y++) {
    // Source coordinates of (0, y); each step right adds (ia, ic).
    let sx = ib * y + itx;
    let sy = id * y + ity;
    let o = flip ? y * outWidth + outWidth - 1 : y * outWidth;
    const step = flip ? -1 : 1;
    for (let x = 0; x < outWidth; x++, sx += ia, sy += ic, o += step) {
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      // All four taps outside: the border value.
      if (x0 < -1 || y0 < -1 || x0 >= srcWidth || y0 >= srcHeight || Number.isNaN(sx + sy)) {
        emit(o, 0, 0, 0);
        continue;
      }
      const fx = sx - x0;
      const fy = sy - y0;
      let w00 = (1 - fx) * (1 - fy);
      let w01 = fx * (1 - fy);
      let w10 = (1 - fx) * fy;
      let w11 = fx * fy;
      // Zero the weight of any tap outside the image; its index is then clamped to stay in range.
      if (x0 < 0) { w00 = 0; w10 = 0; }
      if (x0 + 1 >= srcWidth) { w01 = 0; w11 = 0; }
      if (y0 < 0) { w00 = 0; w01 = 0; }
      if (y0 + 1 >= srcHeight) { w10 = 0; w11 = 0; }
      const cx0 = x0 < 0 ? 0 : x0 * 4;
      const cx1 = x0 + 1 >= srcWidth ? cx0 : (x0 + 1) * 4;
      const r0 = y0 < 0 ? 0 : y0 * stride;
      const r1 = y0 + 1 >= srcHeight ? r0 : (y0 + 1) * stride;
      const p00 = r0 + cx0, p01 = r0 + cx1, p10 = r1 + cx0, p11 = r1 + cx1;
      emit(
        o,
        src[p00]! * w00 + src[p01]! * w01 + src[p10]! * w10 + src[p11]! * w11,
        src[p00 + 1]! * w00 + src[p01 + 1]! * w01 + src[p10 + 1]! * w10 + src[p11 + 1]! * w11,
        src[p00 + 2]! * w00 + src[p01 + 2]! * w01 + src[p10 + 2]! * w10 + src[p11 + 2]! * w11,
      );
    }
  }
}

/**
 * Warps an RGBA image by `m` (source → destination pixel coordinates, as `cv2.warpAffine` takes
 * it) straight into a planar CHW Float32 tensor in the model's colour order, `(v - mean) / std`,
 * starting at `outOffset` (so a batch can be filled in place). Outside the source a pixel is 0
 * before normalisation. `flip` mirrors horizontally, for flip-test embeddings.
 */
export function warpAffineToChw(
  src: Uint8Array | Uint8ClampedArray,
  srcWidth: number,
  srcHeight: number,
  m: Readonly<Affine2x3>,
  outWidth: number,
  outHeight: number,
  spec: Pick<InputSpec, 'colorOrder' | 'mean' | 'std'>,
  out: Float32Array,
  outOffset = 0,
  flip = false,
): Float32Array {
  const plane = outWidth * outHeight;
  if (out.length < outOffset + plane * 3) {
    throw new InvalidInputError(`Output holds ${out.length} floats, needs ${outOffset + plane * 3}; pass a buffer of at least that length.`);
  }
  const { src: channels, scale: [s0, s1, s2], bias: [b0, b1, b2] } = channelTransform(spec);
  const bgr = channels[0] === 2;
  const o1 = outOffset + plane, o2 = outOffset + 2 * plane;
  warpBilinear(src, srcWidth, srcHeight, m, outWidth, outHeight, flip, (i, r, g, b) => {
    out[outOffset + i] = (bgr ? b : r) * s0 + b0;
    out[o1 + i] = g * s1 + b1;
    out[o2 + i] = (bgr ? r : b) * s2 + b2;
  });
  return out;
}

/**
 * The same warp into a displayable RGBA crop (alpha 255), e.g. to show the aligned face.
 * Values round half to even, as Uint8ClampedArray stores them.
 */
export function warpAffineToRgba(
  src: Uint8Array | Uint8ClampedArray,
  srcWidth: number,
  srcHeight: number,
  m: Readonly<Affine2x3>,
  outWidth: number,
  outHeight: number,
  out: Uint8ClampedArray = new Uint8ClampedArray(outWidth * outHeight * 4),
  flip = false,
): Uint8ClampedArray {
  if (out.length < outWidth * outHeight * 4) {
    throw new InvalidInputError(`Output holds ${out.length} bytes, needs ${outWidth * outHeight * 4}; pass a buffer of at least that length.`);
  }
  warpBilinear(src, srcWidth, srcHeight, m, outWidth, outHeight, flip, (i, r, g, b) => {
    const p = i * 4;
    out[p] = r;
    out[p + 1] = g;
    out[p + 2] = b;
    out[p + 3] = 255;
  });
  return out;
}
