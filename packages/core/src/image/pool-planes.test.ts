import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { flipPlanes, poolPlanesToInput } from './pool-planes.js';

const GREY = { channels: 1, colorOrder: 'rgb', mean: [0, 0, 0], std: [255, 255, 255] } as const;

describe('poolPlanesToInput', () => {
  it('grey: BT.601 luma, (v − mean) / std', () => {
    const rgb = new Float32Array([255, 0, 0]); // one pixel: R, G, B planes
    expect(poolPlanesToInput(rgb, 1, 1, 1, GREY, new Float32Array(1))[0]).toBeCloseTo(0.299, 6);
  });

  it('averages k×k blocks, writing only from the offset', () => {
    // 4×4 grey ramp, k = 2 → 2×2: block means.
    const n = 4, plane = n * n;
    const rgb = new Float32Array(3 * plane);
    for (let i = 0; i < plane; i++) rgb[i] = rgb[plane + i] = rgb[2 * plane + i] = i;
    const out = poolPlanesToInput(rgb, 2, 2, 2, { ...GREY, std: [1, 1, 1] }, new Float32Array(5).fill(9), 1);
    expect(out[0]).toBe(9);
    expect(Array.from(out.subarray(1))).toEqual([2.5, 4.5, 10.5, 12.5].map((v) => expect.closeTo(v, 4)));
  });

  it('colour: pools each plane, in the model colour order, with its own mean and std', () => {
    // 2×2 → 1×1, R = 10, G = 20, B = 30 everywhere but one R of 50.
    const rgb = new Float32Array([10, 10, 10, 50, 20, 20, 20, 20, 30, 30, 30, 30]);
    const spec = { colorOrder: 'bgr', mean: [1, 2, 3], std: [2, 4, 8] } as const;
    const out = poolPlanesToInput(rgb, 1, 1, 2, spec, new Float32Array(3));
    expect(Array.from(out)).toEqual([(30 - 1) / 2, (20 - 2) / 4, (20 - 3) / 8].map((v) => expect.closeTo(v, 6)));
  });

  it('refuses an output too small', () => {
    expect(() => poolPlanesToInput(new Float32Array(12), 1, 1, 2, { colorOrder: 'rgb', mean: [0, 0, 0], std: [1, 1, 1] }, new Float32Array(2))).toThrow(InvalidInputError);
  });
});

describe('flipPlanes', () => {
  it('mirrors each row of each plane, after the offset only', () => {
    const d = Float32Array.from([9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    flipPlanes(d, 3, 2, 2, 1);
    expect(Array.from(d)).toEqual([9, 3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10]);
  });
});
