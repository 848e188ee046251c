import { applyAffine, arcfaceAlignment, invertAffine, type Affine2x3 } from '../geometry/similarity-transform.js';
import type { Keypoints5 } from '../model-io/detection-types.js';
import { decodeEmbeddings } from '../model-io/arcface.js';
import { warpAffineToChw } from '../image/warp.js';
import type { ModelSpec } from '../registry/model-spec.js';
import { tensorFor, type TensorPool } from './detection.js';
import { InvalidOptionError } from '../errors.js';

/** An integer rectangle of source pixels. */
export interface PixelRect { x: number; y: number; width: number; height: number }

/** RGBA pixels of a rectangle of the source image (row-major, 4 bytes a pixel). */
export type ReadPixels = (rect: PixelRect) => Uint8ClampedArray | Promise<Uint8ClampedArray>;

export interface RecognitionRuntime {
  /** Runs the recognizer on `[batch,3,H,W]`; returns batch × embeddingSize floats. */
  infer(tensor: Float32Array, batch: number): Promise<Float32Array>;
}

export interface RecognitionOptions {
  /** Also embed the mirrored crop and add it (the standard flip test). @defaultValue false */
  flip?: boolean;
}

export interface RecognitionRun {
  embeddings: Float32Array[];
  timings: { preprocess: number; inference: number; postprocess: number };
}

/**
 * The source rectangle a warp by `m` into an `outW`×`outH` crop reads (bilinear: +1 pixel),
 * clipped to the image and never empty: when the crop lies wholly outside the image, a 1-pixel
 * strip at the nearest border, which no tap reaches, so the warp yields its border value 0.
 */
export function warpSourceRect(m: Readonly<Affine2x3>, outW: number, outH: number, srcW: number, srcH: number): PixelRect {
  const inv = invertAffine(m);
  const corners = [[0, 0], [outW - 1, 0], [0, outH - 1], [outW - 1, outH - 1]].map((p) => applyAffine(inv, p as [number, number]));
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  const x0 = clamp(Math.floor(Math.min(...corners.map((c) => c[0]))), 0, srcW - 1);
  const y0 = clamp(Math.floor(Math.min(...corners.map((c) => c[1]))), 0, srcH - 1);
  const x1 = clamp(Math.floor(Math.max(...corners.map((c) => c[0]))) + 2, x0 + 1, srcW);
  const y1 = clamp(Math.floor(Math.max(...corners.map((c) => c[1]))) + 2, y0 + 1, srcH);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The same map, for pixels read from `rect` instead of the whole image. */
export function offsetAffine(m: Readonly<Affine2x3>, rect: PixelRect): Affine2x3 {
  // x_src = x_rect + rect.x  ⇒  m'(x_rect) = m(x_rect + rect.x)
  return [m[0], m[1], m[2] + m[0] * rect.x + m[1] * rect.y, m[3], m[4], m[5] + m[3] * rect.x + m[4] * rect.y];
}

/** Source pixels for one warp: the rectangle it reads, and the map re-based onto that rectangle. */
export interface WarpInput {
  pixels: Uint8ClampedArray;
  width: number;
  height: number;
  /** `m` for pixels read from the rectangle instead of the whole image. */
  matrix: Affine2x3;
}

/** Reads only the source rectangle a warp by `m` into an `outW`×`outH` crop needs. */
export async function readForWarp(
  source: { width: number; height: number; read: ReadPixels },
  m: Readonly<Affine2x3>,
  outW: number,
  outH: number,
): Promise<WarpInput> {
  const rect = warpSourceRect(m, outW, outH, source.width, source.height);
  return { pixels: await source.read(rect), width: rect.width, height: rect.height, matrix: offsetAffine(m, rect) };
}

/** The ArcFace alignment of each face for this recognizer's crop size. */
export function alignmentsFor(spec: ModelSpec, faces: readonly { keypoints: Keypoints5 }[]): Affine2x3[] {
  return faces.map((f) => arcfaceAlignment(f.keypoints, spec.input.width));
}

/**
 * Embeds crops: for each affine map (source → crop), one bilinear warp straight from the source
 * pixels into the batch tensor (normalised, CHW), optional mirrored copies, the recognizer run
 * (one batched run when the model allows it), then L2-normalised embeddings.
 */
export async function runRecognition(
  matrices: readonly Affine2x3[],
  source: { width: number; height: number; read: ReadPixels },
  spec: ModelSpec,
  runtime: RecognitionRuntime,
  options: RecognitionOptions = {},
  tensors: TensorPool = new Map(),
): Promise<RecognitionRun> {
  if (spec.task !== 'recognition' || !spec.embeddingSize) throw new InvalidOptionError(`Model "${spec.id}" is not a face recognizer; pick a recognition model (listModels() shows each model's task)`);
  const timings = { preprocess: 0, inference: 0, postprocess: 0 };
  const n = matrices.length;
  if (n === 0) return { embeddings: [], timings };
  const { width: w, height: h } = spec.input;
  const flip = options.flip ?? false;
  const rows = flip ? 2 * n : n;
  const per = 3 * w * h;
  let t = performance.now();
  const tensor = tensorFor(tensors, rows, 3, h, w);
  for (let i = 0; i < n; i++) {
    const src = await readForWarp(source, matrices[i]!, w, h);
    warpAffineToChw(src.pixels, src.width, src.height, src.matrix, w, h, spec.input, tensor, i * per);
    if (flip) warpAffineToChw(src.pixels, src.width, src.height, src.matrix, w, h, spec.input, tensor, (n + i) * per, true);
  }
  timings.preprocess = performance.now() - t;
  t = performance.now();
  const dim = spec.embeddingSize;
  let output: Float32Array;
  if (spec.input.batch === 'dynamic') {
    output = await runtime.infer(tensor, rows);
  } else {
    // Fixed-batch model: one run per crop.
    output = new Float32Array(rows * dim);
    for (let r = 0; r < rows; r++) output.set(await runtime.infer(tensor.subarray(r * per, (r + 1) * per), 1), r * dim);
  }
  timings.inference = performance.now() - t;
  t = performance.now();
  const embeddings = decodeEmbeddings(output, n, dim, flip);
  timings.postprocess = performance.now() - t;
  return { embeddings, timings };
}
