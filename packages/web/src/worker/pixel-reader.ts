import type { PixelRect } from '@facekit/core';

/**
 * Reads rectangles of a bitmap's full-resolution pixels: the bitmap is drawn once on a reused
 * OffscreenCanvas and only the rectangles the face crops need are read back.
 */
export function createPixelReader(): (bitmap: ImageBitmap) => (rect: PixelRect) => Uint8ClampedArray {
  let ctx: OffscreenCanvasRenderingContext2D | undefined;
  return (bitmap) => {
    let drawn = false;
    return (rect) => {
      if (!drawn) {
        if (!ctx || ctx.canvas.width < bitmap.width || ctx.canvas.height < bitmap.height) {
          const c = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d', { willReadFrequently: true });
          if (!c) throw new Error('OffscreenCanvas 2D context is not available in this worker');
          ctx = c;
        }
        ctx.clearRect(0, 0, bitmap.width, bitmap.height);
        ctx.drawImage(bitmap, 0, 0);
        drawn = true;
      }
      return ctx!.getImageData(rect.x, rect.y, rect.width, rect.height).data;
    };
  };
}
