import { resizeBilinearRGBA } from '../image/resize.js';
import type { LetterboxPlan } from '../image/letterbox.js';
import type { PixelRect, ReadPixels } from './recognition.js';

/**
 * The detector letterbox from full-resolution pixels: `rect` of the source (all of it by default)
 * resized to the plan's drawn size with pixel-centre bilinear, the filter of InsightFace's
 * cv2 INTER_LINEAR. The browser worker and Node both letterbox with this, so their detector
 * inputs are the same bytes (a canvas resamples with mipmaps at some scales).
 */
export function letterboxFromPixels(source: { width: number; height: number; read: ReadPixels }) {
  return async (plan: LetterboxPlan, rect?: PixelRect): Promise<Uint8ClampedArray> => {
    const r = rect ?? { x: 0, y: 0, width: source.width, height: source.height };
    const pixels = await source.read(r);
    if (plan.drawWidth === r.width && plan.drawHeight === r.height) return pixels;
    const out = new Uint8ClampedArray(plan.drawWidth * plan.drawHeight * 4);
    resizeBilinearRGBA(pixels, r.width, r.height, out, plan.drawWidth, plan.drawWidth, plan.drawHeight);
    return out;
  };
}
