// RGBA images in memory and the two pixel reads the core pipeline asks a runtime for: the
// detector's letterbox and the rectangles the crop stages warp from.
import { letterboxFromPixels, type LetterboxPlan, type PixelRect } from '@facekit/core';

/** Decoded pixels, 4 bytes per pixel (RGBA), row by row. */
export interface RgbaImage { data: Uint8ClampedArray; width: number; height: number }

/** The image resized to the plan's drawn size (the letterbox contract of `DetectionRuntime`), as the browser worker does it. */
export function letterboxRgba(image: RgbaImage, plan: LetterboxPlan): Promise<Uint8ClampedArray> {
  return letterboxFromPixels(pixelSource(image))(plan);
}

/** RGBA of a rectangle of an image (what the browser worker reads back from its canvas). */
export function cropPixels(image: RgbaImage, rect: PixelRect): Uint8ClampedArray {
  const out = new Uint8ClampedArray(rect.width * rect.height * 4);
  for (let y = 0; y < rect.height; y++) {
    const start = ((rect.y + y) * image.width + rect.x) * 4;
    out.set(image.data.subarray(start, start + rect.width * 4), y * rect.width * 4);
  }
  return out;
}

/** An RGBA image as the `{ width, height, read }` source the core pipeline reads crops from. */
export const pixelSource = (image: RgbaImage) => ({ width: image.width, height: image.height, read: (r: PixelRect) => cropPixels(image, r) });
