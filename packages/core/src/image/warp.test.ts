import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { type Affine2x3, applyAffine, invertAffine } from '../geometry/similarity-transform.js';
import { warpAffineToChw, warpAffineToRgba } from './warp.js';

// A linear gradient: bilinear sampling of it is exact wherever all four taps are inside.
const W = 40, H = 30;
const red = (x: number, y: number): number => 2 * x + 3 * y + 10; // ≤ 175
const green = (x: number): number => x;
const blue = (_x: number, y: number): number => 255 - y;
const SRC = new Uint8ClampedArray(W * H * 4);
for (let y = 0; y < H; y++) {
  for (let x = 0; x < W; x++) {
    const p = (y * W + x) * 4;
    SRC[p] = red(x, y);
    SRC[p + 1] = green(x);
    SRC[p + 2] = blue(x, y);
    SRC[p + 3] = 255;
  }
}

const OUT = 48;
const PLANE = OUT * OUT;
// Source → destination: rotate 25°, scale 1.3, move so part of the output falls outside the source.
const ANGLE = (25 * Math.PI) / 180, SCALE = 1.3;
const M: Affine2x3 = [
  SCALE * Math.cos(ANGLE), -SCALE * Math.sin(ANGLE), 10,
  SCALE * Math.sin(ANGLE), SCALE * Math.cos(ANGLE), -8,
];
const SPEC = { colorOrder: 'rgb', mean: [127.5, 120, 100], std: [128, 64, 50] } as const;
const RAW = { colorOrder: 'rgb', mean: [0, 0, 0], std: [1, 1, 1] } as const;

/** Destination pixels whose source point is safely inside (exact) or safely outside (all taps 0). */
function classify(): { inside: [number, number, number, number][]; outside: number[] } {
  const inv = invertAffine(M);
  const inside: [number, number, number, number][] = [];
  const outside: number[] = [];
  for (let y = 0; y < OUT; y++) {
    for (let x = 0; x < OUT; x++) {
      const [sx, sy] = applyAffine(inv, [x, y]);
      const m = 1e-3; // keep clear of tap boundaries where rounding could pick either side
      if (sx >= m && sy >= m && sx <= W - 1 - m && sy <= H - 1 - m) inside.push([x, y, sx, sy]);
      else if (sx < -1 - m || sy < -1 - m || sx > W + m || sy > H + m) outside.push(y * OUT + x);
    }
  }
  return { inside, outside };
}

describe('warpAffineToChw', () => {
  const { inside, outside } = classify();

  it('matches the analytic gradient inside and the normalised 0 outside', () => {
    expect(inside.length).toBeGreaterThan(400);
    expect(outside.length).toBeGreaterThan(200);
    const out = warpAffineToChw(SRC, W, H, M, OUT, OUT, SPEC, new Float32Array(3 * PLANE));
    for (const [x, y, sx, sy] of inside) {
      const i = y * OUT + x;
      expect(Math.abs(out[i]! - (red(sx, sy) - 127.5) / 128)).toBeLessThanOrEqual(1e-3);
      expect(Math.abs(out[PLANE + i]! - (green(sx) - 120) / 64)).toBeLessThanOrEqual(1e-3);
      expect(Math.abs(out[2 * PLANE + i]! - (blue(sx, sy) - 100) / 50)).toBeLessThanOrEqual(1e-3);
    }
    for (const i of outside) {
      expect(out[i]).toBeCloseTo(-127.5 / 128, 6);
      expect(out[PLANE + i]).toBeCloseTo(-120 / 64, 6);
      expect(out[2 * PLANE + i]).toBeCloseTo(-100 / 50, 6);
    }
  });

  it('counts each tap outside the source as 0 (BORDER_CONSTANT)', () => {
    // Shift right by half a pixel: destination x = 0 samples source x = -0.5.
    const out = warpAffineToChw(SRC, W, H, [1, 0, 0.5, 0, 1, 0], W, H, RAW, new Float32Array(3 * W * H));
    for (const y of [0, 7, H - 1]) {
      expect(out[y * W]).toBeCloseTo(0.5 * red(0, y), 5);
      expect(out[y * W + 5]).toBeCloseTo(red(4.5, y), 5);
      // x = W - 1 samples source x = W - 1.5: both taps inside.
      expect(out[y * W + W - 1]).toBeCloseTo(red(W - 1.5, y), 5);
    }
    // Shift down by a quarter: row 0 samples y = -0.25, weight 0.75 on row 0.
    const down = warpAffineToChw(SRC, W, H, [1, 0, 0, 0, 1, 0.25], W, H, RAW, new Float32Array(3 * W * H));
    expect(down[3]).toBeCloseTo(0.75 * red(3, 0), 5);
    expect(down[2 * W * H + 3]).toBeCloseTo(0.75 * blue(3, 0), 5);
  });

  it('is the identity for the identity matrix', () => {
    const out = warpAffineToChw(SRC, W, H, [1, 0, 0, 0, 1, 0], W, H, RAW, new Float32Array(3 * W * H));
    for (let i = 0; i < W * H; i++) {
      expect(out[i]).toBe(SRC[i * 4]);
      expect(out[W * H + i]).toBe(SRC[i * 4 + 1]);
      expect(out[2 * W * H + i]).toBe(SRC[i * 4 + 2]);
    }
  });

  it('mirrors horizontally with flip', () => {
    const plain = warpAffineToChw(SRC, W, H, M, OUT, OUT, SPEC, new Float32Array(3 * PLANE));
    const flipped = warpAffineToChw(SRC, W, H, M, OUT, OUT, SPEC, new Float32Array(3 * PLANE), 0, true);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < OUT; y++) {
        for (let x = 0; x < OUT; x++) {
          expect(flipped[c * PLANE + y * OUT + x]).toBe(plain[c * PLANE + y * OUT + OUT - 1 - x]);
        }
      }
    }
  });

  it('swaps planes 0 and 2 for BGR', () => {
    const rgb = warpAffineToChw(SRC, W, H, M, OUT, OUT, RAW, new Float32Array(3 * PLANE));
    const bgr = warpAffineToChw(SRC, W, H, M, OUT, OUT, { ...RAW, colorOrder: 'bgr' }, new Float32Array(3 * PLANE));
    expect(Array.from(bgr.subarray(0, PLANE))).toEqual(Array.from(rgb.subarray(2 * PLANE)));
    expect(Array.from(bgr.subarray(PLANE, 2 * PLANE))).toEqual(Array.from(rgb.subarray(PLANE, 2 * PLANE)));
    expect(Array.from(bgr.subarray(2 * PLANE))).toEqual(Array.from(rgb.subarray(0, PLANE)));
  });

  it('writes at outOffset and leaves the rest alone', () => {
    const single = warpAffineToChw(SRC, W, H, M, OUT, OUT, SPEC, new Float32Array(3 * PLANE));
    const batch = new Float32Array(6 * PLANE).fill(42);
    warpAffineToChw(SRC, W, H, M, OUT, OUT, SPEC, batch, 3 * PLANE);
    expect(batch.subarray(0, 3 * PLANE).every((v) => v === 42)).toBe(true);
    expect(Array.from(batch.subarray(3 * PLANE))).toEqual(Array.from(single));
  });

  it('refuses a short output or source, and a singular matrix', () => {
    expect(() => warpAffineToChw(SRC, W, H, M, OUT, OUT, SPEC, new Float32Array(3 * PLANE), 1)).toThrow(InvalidInputError);
    expect(() => warpAffineToChw(SRC.subarray(4), W, H, M, OUT, OUT, SPEC, new Float32Array(3 * PLANE))).toThrow(InvalidInputError);
    expect(() => warpAffineToChw(SRC, W, H, [1, 1, 0, 1, 1, 0], OUT, OUT, SPEC, new Float32Array(3 * PLANE))).toThrow(InvalidInputError);
  });
});

describe('warpAffineToRgba', () => {
  it("matches the CHW warp's raw values, with opaque alpha", () => {
    const chw = warpAffineToChw(SRC, W, H, M, OUT, OUT, RAW, new Float32Array(3 * PLANE));
    const rgba = warpAffineToRgba(SRC, W, H, M, OUT, OUT);
    expect(rgba.length).toBe(PLANE * 4);
    for (let i = 0; i < PLANE; i++) {
      for (let c = 0; c < 3; c++) expect(Math.abs(rgba[i * 4 + c]! - chw[c * PLANE + i]!)).toBeLessThanOrEqual(0.5 + 1e-4);
      expect(rgba[i * 4 + 3]).toBe(255);
    }
  });

  it('mirrors with flip', () => {
    const plain = warpAffineToRgba(SRC, W, H, M, OUT, OUT);
    const flipped = warpAffineToRgba(SRC, W, H, M, OUT, OUT, new Uint8ClampedArray(PLANE * 4), true);
    for (let y = 0; y < OUT; y++) {
      for (let x = 0; x < OUT; x++) {
        for (let c = 0; c < 4; c++) expect(flipped[(y * OUT + x) * 4 + c]).toBe(plain[(y * OUT + OUT - 1 - x) * 4 + c]);
      }
    }
  });
});
