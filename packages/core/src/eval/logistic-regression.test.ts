import { describe, expect, it } from 'vitest';
import { sigmoid } from '../util/log-odds.js';
import { applyPlatt, fitLogistic, fitPlatt, linearScore } from './logistic-regression.js';

/** Seeded uniform numbers, so the synthetic sets are the same on every run. */
function rng(seed: number) {
  let s = seed;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}
const gauss = (r: () => number) => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());

describe('fitLogistic', () => {
  it('recovers the direction and offset of a known logistic model', () => {
    const r = rng(7);
    const w = [2, -1, 0.5];
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 4000; i++) {
      const row = [gauss(r), gauss(r), gauss(r)];
      x.push(row);
      y.push(r() < sigmoid(row[0]! * w[0]! + row[1]! * w[1]! + row[2]! * w[2]! + 0.3) ? 1 : 0);
    }
    const head = fitLogistic(x, y, { l2: 1e-6, classWeight: 'none' });
    head.weights.forEach((v, i) => expect(v).toBeCloseTo(w[i]!, 0));
    expect(head.bias).toBeGreaterThan(0);
    expect(head.bias).toBeLessThan(0.6);
  });

  it('with balanced class weights, puts the boundary between two unequal classes, not toward the smaller', () => {
    const r = rng(3);
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 900; i++) { x.push([gauss(r) + 1]); y.push(1); }
    for (let i = 0; i < 100; i++) { x.push([gauss(r) - 1]); y.push(0); }
    const balanced = fitLogistic(x, y, { l2: 1e-6 });
    const plain = fitLogistic(x, y, { l2: 1e-6, classWeight: 'none' });
    // The balanced boundary sits near 0 (midway); the plain one moves toward the minority.
    expect(Math.abs(-balanced.bias / balanced.weights[0]!)).toBeLessThan(0.25);
    expect(-plain.bias / plain.weights[0]!).toBeLessThan(-0.5);
  });

  it('a larger penalty shrinks the weights', () => {
    const x = [[1, 0], [0.9, 0.1], [-1, 0], [-0.8, -0.1]];
    const y = [1, 1, 0, 0];
    const small = fitLogistic(x, y, { l2: 0.01 });
    const big = fitLogistic(x, y, { l2: 10 });
    expect(Math.abs(big.weights[0]!)).toBeLessThan(Math.abs(small.weights[0]!));
    expect(linearScore(small, [1, 0])).toBeGreaterThan(0);
    expect(linearScore(small, [-1, 0])).toBeLessThan(0);
  });

  it('refuses input it cannot fit, with what was wrong', () => {
    expect(() => fitLogistic([], [])).toThrow(/one label per row/);
    expect(() => fitLogistic([[1], [2]], [1, 1])).toThrow(/both classes/);
    expect(() => fitLogistic([[1], [2, 3]], [1, 0])).toThrow(/differ in length/);
    expect(() => fitLogistic([[1], [2]], [1, 2])).toThrow(/0 or 1/);
    expect(() => fitLogistic([[1], [2]], [1, 0], { l2: 0 })).toThrow(/l2 must be > 0/);
  });
});

describe('Platt scaling', () => {
  it('maps over-confident scores to the frequencies they come true at', () => {
    // Scores twice as large as the true log-odds: the fitted slope comes back near 1/2.
    const r = rng(11);
    const s: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const z = gauss(r) * 2;
      s.push(2 * z);
      y.push(r() < sigmoid(z) ? 1 : 0);
    }
    const p = fitPlatt(s, y);
    expect(p.a).toBeCloseTo(0.5, 1);
    expect(Math.abs(p.b)).toBeLessThan(0.15);
    expect(applyPlatt(p, 0)).toBeCloseTo(0.5, 1);
  });
});
