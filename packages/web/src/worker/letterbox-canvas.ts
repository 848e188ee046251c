import type { LetterboxPlan, PixelRect } from '@facekit/core';

/**
 * Letterboxes a bitmap (or a rectangle of it) on an OffscreenCanvas (one per input size,
 * reused) and reads the RGBA back. Measured in Chromium: `imageSmoothingQuality = 'medium'` is
 * exact pixel-centre bilinear for scales ≥ 0.5 (the filter of InsightFace's OpenCV INTER_LINEAR
 * and of the Node path's `resizeBilinearRGBA`), and adds mipmaps (less aliasing) below 0.5.
 * `'low'` is a lower-precision bilinear that is off by up to 13 levels at edges.
 */
export function createCanvasLetterbox(): (bitmap: ImageBitmap, plan: LetterboxPlan, rect?: PixelRect) => Uint8ClampedArray {
  const canvases = new Map<string, OffscreenCanvasRenderingContext2D>();
  return (bitmap, plan, rect) => {
    // Only the drawn area is read back, so one square canvas serves every input shape of a size
    // (with inputShape 'fit', each aspect ratio has its own shape).
    const side = Math.max(plan.inputWidth, plan.inputHeight);
    const key = String(side);
    let ctx = canvases.get(key);
    if (!ctx) {
      const c = new OffscreenCanvas(side, side);
      const c2d = c.getContext('2d', { willReadFrequently: true, alpha: true });
      if (!c2d) throw new Error('OffscreenCanvas 2D context is not available in this worker');
      ctx = c2d;
      canvases.set(key, ctx);
    }
    ctx.clearRect(0, 0, plan.drawWidth, plan.drawHeight);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'medium';
    const r = rect ?? { x: 0, y: 0, width: bitmap.width, height: bitmap.height };
    ctx.drawImage(bitmap, r.x, r.y, r.width, r.height, 0, 0, plan.drawWidth, plan.drawHeight);
    // Only the drawn part: the padding is written as constants by rgbaToChw.
    return ctx.getImageData(0, 0, plan.drawWidth, plan.drawHeight).data;
  };
}
