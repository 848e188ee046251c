import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { rng } from '@facekit/test-support/random';
import { laplacianVariance, lumaStats, rgbaToGray } from './measures.js';

function rgba(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Uint8ClampedArray {
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      out.set([r, g, b, 255], 4 * (y * width + x));
    }
  }
  return out;
}


/** 3×3 box blur (edges clamped), to compare a sharp image with a blurred one. */
function boxBlur(g: Float32Array, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        s += g[Math.min(h - 1, Math.max(0, y + dy)) * w + Math.min(w - 1, Math.max(0, x + dx))]!;
      }
      out[y * w + x] = s / 9;
    }
  }
  return out;
}

describe('rgbaToGray', () => {
  it('uses the BT.601 weights and ignores alpha', () => {
    const px = new Uint8ClampedArray([255, 0, 0, 0, 0, 255, 0, 10, 0, 0, 255, 255, 100, 150, 200, 255]);
    const g = rgbaToGray(px, 2, 2);
    expect(Array.from(g).map((v) => Number(v.toFixed(3)))).toEqual([76.245, 149.685, 29.07, 0.299 * 100 + 0.587 * 150 + 0.114 * 200]);
  });

  it('writes into a given buffer when it is large enough, and checks sizes', () => {
    const out = new Float32Array(8);
    expect(rgbaToGray(new Uint8ClampedArray(16).fill(50), 2, 2, out)).toBe(out);
    expect(rgbaToGray(new Uint8ClampedArray(16), 2, 2, new Float32Array(3))).toHaveLength(4);
    expect(() => rgbaToGray(new Uint8ClampedArray(12), 2, 2)).toThrow(InvalidInputError);
  });
});

describe('laplacianVariance', () => {
  it('is 0 on a flat image and on a linear ramp, whose Laplacian is 0', () => {
    expect(laplacianVariance(new Float32Array(100).fill(128), 10, 10)).toBe(0);
    const ramp = Float32Array.from({ length: 100 }, (_, i) => 3 * (i % 10) + 2 * Math.floor(i / 10));
    expect(laplacianVariance(ramp, 10, 10)).toBeCloseTo(0, 9);
  });

  it('is 1020² on a one-pixel checkerboard (the Laplacian is ±4·255)', () => {
    const board = Float32Array.from({ length: 64 }, (_, i) => ((i % 8) + Math.floor(i / 8)) % 2 ? 255 : 0);
    expect(laplacianVariance(board, 8, 8)).toBeCloseTo(1020 ** 2, 6);
  });

  it('uses only the interior: a constant-Laplacian image (x²) has variance 0 whatever its border', () => {
    const w = 12, h = 9;
    const g = Float32Array.from({ length: w * h }, (_, i) => (i % w) ** 2);
    expect(laplacianVariance(g, w, h)).toBeCloseTo(0, 6);
    g[0] = 1000; // a corner is never the centre nor a 4-neighbour of an interior pixel
    expect(laplacianVariance(g, w, h)).toBeCloseTo(0, 6);
  });

  it('matches a direct computation on noise, and drops when the image is blurred', () => {
    const w = 40, h = 30, r = rng(5);
    const g = Float32Array.from({ length: w * h }, () => 255 * r());
    const lap: number[] = [];
    for (let y = 1; y < h - 1; y++) for (let x = 1; x < w - 1; x++) {
      lap.push(g[(y - 1) * w + x]! + g[(y + 1) * w + x]! + g[y * w + x - 1]! + g[y * w + x + 1]! - 4 * g[y * w + x]!);
    }
    const mean = lap.reduce((a, b) => a + b, 0) / lap.length;
    const ref = lap.reduce((a, b) => a + (b - mean) ** 2, 0) / lap.length;
    const v = laplacianVariance(g, w, h);
    expect(v).toBeCloseTo(ref, 6);
    expect(laplacianVariance(boxBlur(g, w, h), w, h)).toBeLessThan(v / 10);
  });

  it('is 0 without an interior and checks sizes', () => {
    expect(laplacianVariance(new Float32Array(4), 2, 2)).toBe(0);
    expect(() => laplacianVariance(new Float32Array(5), 3, 3)).toThrow(InvalidInputError);
  });
});

describe('lumaStats', () => {
  it('averages luma and counts pixels at or beyond 10 and 245 (borders included)', () => {
    // 10 pixels: grey 10 (dark, on the border), grey 11, 4 × grey 128, white 245 (bright), white 244, 2 × black
    const greys = [10, 11, 128, 128, 128, 128, 245, 244, 0, 0];
    const s = lumaStats(rgba(10, 1, (x) => [greys[x]!, greys[x]!, greys[x]!]), 10, 1);
    expect(s.mean).toBeCloseTo(greys.reduce((a, b) => a + b, 0) / 10, 9);
    expect(s.darkFraction).toBeCloseTo(0.3, 12);
    expect(s.brightFraction).toBeCloseTo(0.1, 12);
  });

  it('weighs colours by BT.601 (pure blue at 255 is dark-ish, not bright)', () => {
    const s = lumaStats(rgba(2, 2, () => [0, 0, 255]), 2, 2);
    expect(s.mean).toBeCloseTo(29.07, 9);
    expect(s.darkFraction).toBe(0);
    expect(s.brightFraction).toBe(0);
  });

  it('is all zeros for an empty image', () => {
    expect(lumaStats(new Uint8ClampedArray(0), 0, 0)).toEqual({ mean: 0, darkFraction: 0, brightFraction: 0 });
  });
});
