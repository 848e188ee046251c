import type { PixelRect } from '@facekit/core';
import type { FrameImage } from './frame-image.js';

/**
 * Reads rectangles of an image's full-resolution pixels: the image is drawn once on a reused
 * OffscreenCanvas and only the rectangles the face crops need are read back.
 */
export function createPixelReader(): (image: FrameImage) => (rect: PixelRect) => Uint8ClampedArray {
  let ctx: OffscreenCanvasRenderingContext2D | undefined;
  return (image) => {
    let drawn = false;
    return (rect) => {
      if (!drawn) {
        if (!ctx || ctx.canvas.width < image.width || ctx.canvas.height < image.height) {
          const c = new OffscreenCanvas(image.width, image.height).getContext('2d', { willReadFrequently: true });
          if (!c) throw new Error('OffscreenCanvas 2D context is not available in this worker');
          ctx = c;
        }
        ctx.clearRect(0, 0, image.width, image.height);
        ctx.drawImage(image.source, 0, 0, image.width, image.height);
        drawn = true;
      }
      return ctx!.getImageData(rect.x, rect.y, rect.width, rect.height).data;
    };
  };
}
