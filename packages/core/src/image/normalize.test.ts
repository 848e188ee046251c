import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { rgbaToChw } from './normalize.js';

describe('rgbaToChw', () => {
  const rgba = new Uint8ClampedArray([10, 20, 30, 255, 200, 100, 0, 255]);
  it('writes planes in RGB order with (v - mean) / std', () => {
    const out = rgbaToChw(rgba, 2, 1, { colorOrder: 'rgb', mean: [127.5, 127.5, 127.5], std: [128, 128, 128] }, new Float32Array(6));
    [10, 200, 20, 100, 30, 0].forEach((v, i) => expect(out[i]).toBeCloseTo((v - 127.5) / 128, 6));
    expect(out[0]).toBeCloseTo((10 - 127.5) / 128, 6);
    expect(out[5]).toBeCloseTo((0 - 127.5) / 128, 6);
  });
  it('swaps to BGR and keeps raw values for YuNet', () => {
    const out = rgbaToChw(rgba, 2, 1, { colorOrder: 'bgr', mean: [0, 0, 0], std: [1, 1, 1] }, new Float32Array(6));
    expect(Array.from(out)).toEqual([30, 0, 20, 100, 10, 200]);
  });
  it('pads a letterboxed image with the value of black, without reading the padding', () => {
    const spec = { colorOrder: 'rgb' as const, mean: [127.5, 127.5, 127.5] as const, std: [128, 128, 128] as const };
    const out = rgbaToChw(rgba, 2, 1, spec, new Float32Array(3 * 3 * 2).fill(NaN), 3, 2);
    const black = -127.5 / 128;
    // plane R: [10, 200, pad; pad, pad, pad]
    expect(Array.from(out.subarray(0, 6)).map((v) => +v.toFixed(5))).toEqual([10, 200, 0, 0, 0, 0].map((v, i) => +((i === 0 || i === 1 ? v - 127.5 : -127.5) / 128).toFixed(5)));
    expect(out[6 + 2]).toBeCloseTo(black, 6);
    expect(out[12 + 5]).toBeCloseTo(black, 6);
    expect(out.every(Number.isFinite)).toBe(true);
  });
  it('refuses an image larger than the input', () => {
    expect(() => rgbaToChw(rgba, 2, 1, { colorOrder: 'rgb', mean: [0, 0, 0], std: [1, 1, 1] }, new Float32Array(3), 1, 1)).toThrow(InvalidInputError);
  });
  it('refuses an output that is too small', () => {
    expect(() => rgbaToChw(rgba, 2, 1, { colorOrder: 'rgb', mean: [0, 0, 0], std: [1, 1, 1] }, new Float32Array(5))).toThrow(InvalidInputError);
  });
});
