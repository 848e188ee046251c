import { describe, expect, it } from 'vitest';
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
  it('refuses an output that is too small', () => {
    expect(() => rgbaToChw(rgba, 2, 1, { colorOrder: 'rgb', mean: [0, 0, 0], std: [1, 1, 1] }, new Float32Array(5))).toThrow(RangeError);
  });
});
