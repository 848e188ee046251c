import { InvalidInputError } from '../errors.js';

/**
 * Where a source image lands inside a detector input: top-left aligned, aspect kept,
 * the rest zero-padded (as InsightFace's SCRFD `detect`). `fit` < 1 shrinks the image to that
 * fraction of the input, which is how tight crops are padded (see `detection.ts`).
 */
export interface LetterboxPlan {
  readonly inputWidth: number;
  readonly inputHeight: number;
  /** Size of the drawn image inside the input, in input pixels. */
  readonly drawWidth: number;
  readonly drawHeight: number;
  /** input pixels per source pixel, per axis. */
  readonly scaleX: number;
  readonly scaleY: number;
}

export function planLetterbox(
  srcWidth: number,
  srcHeight: number,
  inputWidth: number,
  inputHeight: number,
  fit = 1,
): LetterboxPlan {
  if (!(srcWidth > 0 && srcHeight > 0)) throw new InvalidInputError(`Image size must be positive, got ${srcWidth}×${srcHeight}; pass an image that has pixels (a loaded, non-empty image).`);
  const boxW = Math.max(1, Math.floor(inputWidth * fit));
  const boxH = Math.max(1, Math.floor(inputHeight * fit));
  let drawWidth: number;
  let drawHeight: number;
  if (srcHeight / srcWidth > boxH / boxW) {
    drawHeight = boxH;
    drawWidth = Math.max(1, Math.floor((boxH * srcWidth) / srcHeight));
  } else {
    drawWidth = boxW;
    drawHeight = Math.max(1, Math.floor((boxW * srcHeight) / srcWidth));
  }
  return {
    inputWidth, inputHeight, drawWidth, drawHeight,
    scaleX: drawWidth / srcWidth,
    scaleY: drawHeight / srcHeight,
  };
}

/**
 * The same placement with the input cut down to the drawn area rounded up to `stride`: a
 * dynamic-shape detector then spends no compute on padding (a 640×480 frame at 640 runs a
 * 640×480 input, not 640×640; a 16:9 one 640×384).
 */
export function fitInputToStride(plan: LetterboxPlan, stride: number): LetterboxPlan {
  const up = (v: number) => Math.max(stride, Math.ceil(v / stride) * stride);
  return { ...plan, inputWidth: Math.min(plan.inputWidth, up(plan.drawWidth)), inputHeight: Math.min(plan.inputHeight, up(plan.drawHeight)) };
}

/** Rounds a requested size to the stride a dynamic model needs (at least one stride). */
export function roundToStride(size: number, stride: number): number {
  return Math.max(stride, Math.round(size / stride) * stride);
}
