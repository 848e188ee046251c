import { describe, expect, it } from 'vitest';
import { resizeBilinearRGBA } from './resize.js';

function gradient(w: number, h: number, f: (x: number, y: number) => number): Uint8ClampedArray {
  const a = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const o = (y * w + x) * 4;
    a[o] = f(x, y); a[o + 1] = 255 - f(x, y); a[o + 2] = 7; a[o + 3] = 255;
  }
  return a;
}

describe('resizeBilinearRGBA', () => {
  it('copies exactly at scale 1 and leaves the padding at zero', () => {
    const src = gradient(5, 4, (x, y) => x * 40 + y);
    const dst = new Uint8ClampedArray(8 * 8 * 4);
    resizeBilinearRGBA(src, 5, 4, dst, 8, 5, 4);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 5; x++) expect(dst[(y * 8 + x) * 4]).toBe(x * 40 + y);
    expect(dst[(5 * 8 + 6) * 4]).toBe(0);
    expect(dst[(1 * 8 + 6) * 4 + 3]).toBe(0);
  });
  it('reproduces a linear ramp when upscaling (pixel-centre sampling)', () => {
    const src = gradient(10, 2, (x) => x * 20);
    const dst = new Uint8ClampedArray(40 * 2 * 4);
    resizeBilinearRGBA(src, 10, 2, dst, 40, 40, 2);
    for (let x = 0; x < 40; x++) {
      const sx = Math.min(Math.max((x + 0.5) / 4 - 0.5, 0), 9);
      expect(Math.abs(dst[x * 4]! - sx * 20)).toBeLessThanOrEqual(0.5);
    }
  });
  it('averages pixel pairs when halving', () => {
    const src = gradient(8, 8, (x, y) => x * 10 + y * 20);
    const dst = new Uint8ClampedArray(4 * 4 * 4);
    resizeBilinearRGBA(src, 8, 8, dst, 4, 4, 4);
    // centre of dst (x, y) maps to src (2x + 0.5, 2y + 0.5)
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) {
      expect(Math.abs(dst[(y * 4 + x) * 4]! - ((2 * x + 0.5) * 10 + (2 * y + 0.5) * 20))).toBeLessThanOrEqual(0.5);
    }
  });
});
