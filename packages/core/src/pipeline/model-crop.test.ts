import { describe, expect, it } from 'vitest';
import { flipPlanes } from '../image/pool-planes.js';
import type { Affine2x3 } from '../geometry/similarity-transform.js';
import { writeModelCrop } from './model-crop.js';

// A deterministic noisy 60×50 RGBA image.
const W = 60, H = 50;
const rgba = new Uint8ClampedArray(W * H * 4).map((_, i) => (i * 2654435761) % 251);
const source = {
  width: W, height: H,
  read: (r: { x: number; y: number; width: number; height: number }) => {
    const out = new Uint8ClampedArray(r.width * r.height * 4);
    for (let y = 0; y < r.height; y++) out.set(rgba.subarray(((r.y + y) * W + r.x) * 4, ((r.y + y) * W + r.x + r.width) * 4), y * r.width * 4);
    return out;
  },
};
const INPUT = { width: 8, height: 8, colorOrder: 'bgr', mean: [10, 20, 30], std: [2, 3, 4] } as const;

describe('writeModelCrop', () => {
  for (const k of [1, 3]) {
    it(`mirroring the written input equals writing the mirrored crop (supersample ${k})`, async () => {
      // A turned, scaled crop of the image onto an (8k)² grid, and the same crop mirrored.
      const n = 8 * k, a = 0.3 * k, b = 0.05 * k;
      const m: Affine2x3 = [a, b, -2, -b, a, 1];
      const mirrored: Affine2x3 = [-m[0], -m[1], n - 1 - m[2], m[3], m[4], m[5]];
      const x = new Float32Array(3 * 64), y = new Float32Array(3 * 64);
      await writeModelCrop(source, { matrix: m, supersample: k }, INPUT, x, 0, new Map());
      await writeModelCrop(source, { matrix: mirrored, supersample: k }, INPUT, y, 0, new Map());
      flipPlanes(x, 8, 8, 3);
      for (let i = 0; i < x.length; i++) expect(x[i]).toBeCloseTo(y[i]!, 4);
    });
  }
});
