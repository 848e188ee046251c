import { InvalidInputError } from '../errors.js';

/** Pixel measures for the quality gate: sharpness and exposure of a face crop. */

/** RGBA bytes, 4 per pixel, row-major (ImageData.data, a decoded frame). */
export type RgbaPixels = ArrayLike<number>;

/** BT.601 luma weights (Y' = 0.299 R + 0.587 G + 0.114 B), as OpenCV's RGB2GRAY and JPEG use. */
const KR = 0.299, KG = 0.587, KB = 0.114;

/**
 * Luma at or below this counts as crushed to black, at or above {@link BRIGHT_LUMA} as blown
 * out: within ~4 % of either end of the 8-bit range, where sensor noise or clipping has replaced
 * detail. (OFIQ, the ISO/IEC 29794-5 reference implementation, counts [0, 25] and [247, 255] on
 * the face region; ours are stricter on dark, where webcams still keep some detail.)
 */
export const DARK_LUMA = 10;
export const BRIGHT_LUMA = 245;

function checkSize(rgba: RgbaPixels, width: number, height: number): number {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 0 && height >= 0)) {
    throw new InvalidInputError(`Image width and height must be integers ≥ 0, got ${width}×${height}; pass the pixel buffer's real size.`);
  }
  const n = width * height;
  if (rgba.length < 4 * n) throw new InvalidInputError(`A ${width}×${height} RGBA image needs ${4 * n} values, got ${rgba.length}; pass the buffer and size of the same image.`);
  return n;
}

/**
 * BT.601 luma of each pixel, 0–255, unrounded (OpenCV rounds to 8 bits; the difference is
 * below 0.5 per pixel). Alpha is ignored. Writes into `out` when it is given and large enough.
 */
export function rgbaToGray(rgba: RgbaPixels, width: number, height: number, out?: Float32Array): Float32Array {
  const n = checkSize(rgba, width, height);
  const gray = out && out.length >= n ? out : new Float32Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 4) gray[i] = KR * rgba[j]! + KG * rgba[j + 1]! + KB * rgba[j + 2]!;
  return gray;
}

/**
 * Sharpness as the variance of the Laplacian (Pech-Pacheco et al. 2000): the 3×3 kernel
 * [0 1 0; 1 −4 1; 0 1 0] (OpenCV's `cv2.Laplacian(gray, cv2.CV_64F)`, ksize 1) over the
 * interior pixels only, population variance (numpy's `.var()`). OpenCV also filters the
 * one-pixel border, reflecting the image (BORDER_REFLECT_101); leaving the border out changes
 * the result slightly (on a 112×112 crop the border is 3.5 % of the pixels). Blur removes high
 * frequencies, so the value drops; it also grows with contrast and noise, so compare it only
 * between crops of the same size made the same way. 0 when there is no interior (< 3×3).
 */
export function laplacianVariance(gray: ArrayLike<number>, width: number, height: number): number {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 0 && height >= 0)) {
    throw new InvalidInputError(`Image width and height must be integers ≥ 0, got ${width}×${height}; pass the pixel buffer's real size.`);
  }
  if (gray.length < width * height) throw new InvalidInputError(`A ${width}×${height} grey image needs ${width * height} values, got ${gray.length}; pass the buffer and size of the same image.`);
  if (width < 3 || height < 3) return 0;
  let sum = 0, sumSq = 0;
  for (let y = 1; y < height - 1; y++) {
    const row = y * width;
    for (let x = 1; x < width - 1; x++) {
      const i = row + x;
      const l = gray[i - width]! + gray[i + width]! + gray[i - 1]! + gray[i + 1]! - 4 * gray[i]!;
      sum += l;
      sumSq += l * l;
    }
  }
  const n = (width - 2) * (height - 2);
  const mean = sum / n;
  return Math.max(0, sumSq / n - mean * mean);
}

export interface LumaStats {
  /** Mean BT.601 luma, 0–255. */
  mean: number;
  /** Fraction of pixels with luma ≤ {@link DARK_LUMA} (crushed to black). */
  darkFraction: number;
  /** Fraction of pixels with luma ≥ {@link BRIGHT_LUMA} (blown out). */
  brightFraction: number;
}

/** Exposure of an RGBA image (a face crop): mean luma and the fractions near black and white. */
export function lumaStats(rgba: RgbaPixels, width: number, height: number): LumaStats {
  const n = checkSize(rgba, width, height);
  if (n === 0) return { mean: 0, darkFraction: 0, brightFraction: 0 };
  // In thousandths, in integers: a grey of exactly DARK_LUMA must count as dark, which
  // 0.299·10 + 0.587·10 + 0.114·10 in floating point does not promise.
  const darkMax = DARK_LUMA * 1000, brightMin = BRIGHT_LUMA * 1000;
  let sum = 0, dark = 0, bright = 0;
  for (let j = 0; j < 4 * n; j += 4) {
    const y = 299 * rgba[j]! + 587 * rgba[j + 1]! + 114 * rgba[j + 2]!;
    sum += y;
    if (y <= darkMax) dark++;
    else if (y >= brightMin) bright++;
  }
  return { mean: sum / n / 1000, darkFraction: dark / n, brightFraction: bright / n };
}
