// One model-input crop written straight from the source pixels: the warp reads only the source
// rectangle it needs; a crop that shrinks the face a lot is sampled on a k-times finer grid and
// box-averaged (as INTER_AREA), since a point-sampled small crop of a large face is aliased.
import type { Affine2x3 } from '../geometry/similarity-transform.js';
import { poolPlanesToInput } from '../image/pool-planes.js';
import { warpAffineToChw } from '../image/warp.js';
import type { InputSpec } from '../registry/model-spec.js';
import { tensorFor, type TensorPool } from './detection.js';
import { readForWarp, type ReadPixels } from './recognition.js';

/** A crop: `matrix` maps the source to a (w·supersample)×(h·supersample) grid, averaged down to w×h. */
export interface SupersampledCrop { matrix: Affine2x3; supersample: number }

/** The supersampling factor for a crop `side` source pixels wide into `size` input pixels: the ratio, rounded up. */
export function supersampleFor(side: number, size: number): number {
  return Math.max(1, Math.ceil(side / size));
}

// Raw RGB, for the warp into the scratch buffer before pooling.
const RAW_RGB = { colorOrder: 'rgb', mean: [0, 0, 0], std: [1, 1, 1] } as const;

/** Writes one crop as the model's `[c, h, w]` input at `out[offset…]`. */
export async function writeModelCrop(
  source: { width: number; height: number; read: ReadPixels },
  crop: SupersampledCrop,
  input: Pick<InputSpec, 'width' | 'height' | 'channels' | 'colorOrder' | 'mean' | 'std'>,
  out: Float32Array,
  offset: number,
  tensors: TensorPool,
): Promise<void> {
  const { width: w, height: h } = input;
  const k = crop.supersample;
  const src = await readForWarp(source, crop.matrix, w * k, h * k);
  if (k === 1 && input.channels !== 1) {
    warpAffineToChw(src.pixels, src.width, src.height, src.matrix, w, h, input, out, offset);
    return;
  }
  // k² crops' worth under one pool key: the scratch grows to the largest seen.
  const rgb = tensorFor(tensors, k * k, 3, h, w, 'crop-scratch');
  warpAffineToChw(src.pixels, src.width, src.height, src.matrix, w * k, h * k, RAW_RGB, rgb);
  poolPlanesToInput(rgb, w, h, k, input, out, offset);
}
