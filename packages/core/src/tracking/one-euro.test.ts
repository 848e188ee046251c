import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../errors.js';
import { rng } from '@facekit/test-support/random';
import type { Keypoints5 } from '../model-io/detection-types.js';
import { createKeypointSmoother, createOneEuroFilter, KEYPOINT_SMOOTHING_DEFAULTS } from './one-euro.js';

/** Deterministic uniform noise in [-1, 1]. */
const noise = (seed: number): (() => number) => { const r = rng(seed); return () => 2 * r() - 1; };

const FRAME_MS = 1000 / 30;

describe('createOneEuroFilter', () => {
  it('passes the first sample and a constant signal unchanged', () => {
    const f = createOneEuroFilter();
    expect(f.filter(5, 0)).toBe(5);
    for (let i = 1; i < 50; i++) expect(f.filter(5, i * FRAME_MS)).toBeCloseTo(5, 12);
  });

  it('matches the paper’s recurrence on a hand-computed step', () => {
    // minCutoff 1, beta 0, dCutoff 1; te = 0.1 s: alpha = 1 / (1 + 1/(2π·0.1)) = 0.38586
    const f = createOneEuroFilter({ beta: 0 });
    f.filter(0, 0);
    const a = 1 / (1 + 1 / (2 * Math.PI * 0.1));
    expect(f.filter(10, 100)).toBeCloseTo(10 * a, 12);
    expect(f.filter(10, 200)).toBeCloseTo(10 * a + a * (10 - 10 * a), 12);
  });

  it('raises the cutoff with speed (beta), so a fast ramp lags less', () => {
    const slow = createOneEuroFilter({ beta: 0 });
    const fast = createOneEuroFilter({ beta: 0.05 });
    let ls = 0, lf = 0;
    for (let i = 0; i < 60; i++) {
      const x = i * 10; // 300 px/s at 30 fps
      ls = x - slow.filter(x, i * FRAME_MS);
      lf = x - fast.filter(x, i * FRAME_MS);
    }
    expect(ls).toBeGreaterThan(40); // ~ speed / (2π·minCutoff) ≈ 48 px
    expect(lf).toBeLessThan(5);
  });

  it('returns the previous output for a repeated or older timestamp, and restarts after reset', () => {
    const f = createOneEuroFilter();
    f.filter(0, 0);
    const y = f.filter(10, 100);
    expect(f.filter(1000, 100)).toBe(y);
    expect(f.filter(1000, 50)).toBe(y);
    f.reset();
    expect(f.filter(42, 10)).toBe(42);
  });

  it('rejects nonsense parameters', () => {
    expect(() => createOneEuroFilter({ minCutoff: 0 })).toThrow(InvalidOptionError);
    expect(() => createOneEuroFilter({ beta: -1 })).toThrow(InvalidOptionError);
    expect(() => createOneEuroFilter({ dCutoff: Number.NaN })).toThrow(InvalidOptionError);
  });
});

describe('createKeypointSmoother (pixel defaults)', () => {
  const base: Keypoints5 = [[300, 200], [360, 200], [330, 235], [305, 265], [355, 265]];

  it('cuts the rms of ±2 px jitter on a still face from 1.15 px to under 0.5 px', () => {
    const s = createKeypointSmoother();
    const r = noise(1);
    let ssOut = 0, ssRaw = 0, n = 0;
    for (let i = 0; i < 600; i++) {
      const noisy = base.map(([x, y]) => [x + 2 * r(), y + 2 * r()]) as Keypoints5;
      const out = s.smooth(noisy, i * FRAME_MS);
      if (i < 30) continue; // let it settle
      for (let k = 0; k < 5; k++) {
        for (let c = 0; c < 2; c++) {
          ssOut += (out[k]![c]! - base[k]![c]!) ** 2;
          ssRaw += (noisy[k]![c]! - base[k]![c]!) ** 2;
          n++;
        }
      }
    }
    expect(Math.sqrt(ssRaw / n)).toBeGreaterThan(1.1);
    expect(Math.sqrt(ssOut / n)).toBeLessThan(0.5);
  });

  it.each([100, 300, 1000])('follows a face moving at %i px/s within 5 px', (speed) => {
    const s = createKeypointSmoother();
    const r = noise(2);
    let lag = 0;
    for (let i = 0; i < 90; i++) {
      const dx = (speed * i) / 30;
      const noisy = base.map(([x, y]) => [x + dx + r(), y + r()]) as Keypoints5;
      const out = s.smooth(noisy, i * FRAME_MS);
      if (i > 20) lag = Math.max(lag, Math.abs(out[0]![0] - (base[0]![0] + dx)));
    }
    expect(lag).toBeLessThan(5);
  });

  it('smooths each coordinate independently and does not touch its input', () => {
    const s = createKeypointSmoother({ minCutoff: KEYPOINT_SMOOTHING_DEFAULTS.minCutoff });
    const copy = JSON.parse(JSON.stringify(base)) as Keypoints5;
    expect(s.smooth(base, 0)).toEqual(base);
    const moved = base.map(([x, y], k) => (k === 2 ? [x + 10, y] : [x, y])) as Keypoints5;
    const out = s.smooth(moved, FRAME_MS);
    expect(out[2]![0]).toBeGreaterThan(base[2]![0]);
    expect(out[2]![0]).toBeLessThan(base[2]![0] + 10);
    expect(out[0]).toEqual(base[0]);
    expect(out[2]![1]).toBe(base[2]![1]);
    expect(base).toEqual(copy);
    s.reset();
    expect(s.smooth(moved, 5 * FRAME_MS)).toEqual(moved);
  });
});
