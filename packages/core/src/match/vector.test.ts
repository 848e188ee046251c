import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { cosineSimilarity, dot, l2Normalize } from './vector.js';

const f32 = (...v: number[]) => new Float32Array(v);

describe('l2Normalize', () => {
  it('scales to unit length into a new array, leaving the input alone', () => {
    const v = f32(3, 4);
    const n = l2Normalize(v);
    expect(n).not.toBe(v);
    expect(Array.from(v)).toEqual([3, 4]);
    expect(n[0]).toBeCloseTo(0.6, 7);
    expect(n[1]).toBeCloseTo(0.8, 7);
  });
  it('writes into `out`, including in place', () => {
    const out = new Float32Array(2);
    expect(l2Normalize(f32(0, -2), out)).toBe(out);
    expect(Array.from(out)).toEqual([0, -1]);
    const v = f32(1, 1, 1, 1);
    l2Normalize(v, v);
    expect(Array.from(v)).toEqual([0.5, 0.5, 0.5, 0.5]);
  });
  it('does not overflow on large float32 values or underflow on tiny ones', () => {
    const big = l2Normalize(f32(3e38, 3e38));
    expect(big[0]).toBeCloseTo(Math.SQRT1_2, 6);
    const tiny = l2Normalize(f32(1e-40, 0));
    expect(tiny[0]).toBeCloseTo(1, 6);
  });
  it('rejects zero, non-finite and wrongly sized output', () => {
    expect(() => l2Normalize(f32(0, 0))).toThrow(InvalidInputError);
    expect(() => l2Normalize(f32(0, 0))).toThrow(/all zeros/);
    expect(() => l2Normalize(f32(1, NaN))).toThrow(/has NaN at index 1/);
    expect(() => l2Normalize(f32(1, Infinity))).toThrow(InvalidInputError);
    expect(() => l2Normalize(new Float32Array(0))).toThrow(InvalidInputError);
    expect(() => l2Normalize(f32(1, 2), new Float32Array(3))).toThrow(InvalidInputError);
  });
});

describe('dot', () => {
  it('sums products', () => {
    expect(dot(f32(1, 2, 3), f32(4, -5, 6))).toBe(12);
    expect(dot([1, 2, 3], f32(4, -5, 6))).toBe(12);
    // A zero vector has a dot product (0), unlike a direction.
    expect(dot(f32(0, 0), f32(1, 2))).toBe(0);
  });
  it('rejects a length mismatch, empty vectors and non-finite values', () => {
    expect(() => dot(f32(1, 2), f32(1))).toThrow(InvalidInputError);
    expect(() => dot(new Float32Array(0), new Float32Array(0))).toThrow(/empty/);
    expect(() => dot(f32(1, NaN), f32(1, 2))).toThrow(InvalidInputError);
  });
});

describe('cosineSimilarity', () => {
  it('works on unnormalized inputs and ignores scale', () => {
    expect(cosineSimilarity(f32(1, 0), f32(5, 0))).toBe(1);
    expect(cosineSimilarity(f32(1, 0), f32(0, 3))).toBe(0);
    expect(cosineSimilarity(f32(2, 2), f32(-1, -1))).toBeCloseTo(-1, 12);
    expect(cosineSimilarity(f32(1, 0), f32(1, 1))).toBeCloseTo(Math.SQRT1_2, 7);
    expect(cosineSimilarity(f32(3, 4), f32(30, 40))).toBeCloseTo(1, 12);
  });
  it('stays within [-1, 1] for parallel vectors that round badly', () => {
    const a = f32(0.1, 0.2, 0.3, 0.7, 1e-3);
    for (let s = 0.1; s < 1000; s *= 3.7) {
      const b = a.map((x) => x * s);
      const c = cosineSimilarity(a, b);
      expect(c).toBeLessThanOrEqual(1);
      expect(c).toBeCloseTo(1, 6);
      expect(cosineSimilarity(a, b.map((x) => -x))).toBeGreaterThanOrEqual(-1);
    }
  });
  it('rejects zero vectors, non-finite values and length mismatches', () => {
    expect(() => cosineSimilarity(f32(0, 0), f32(1, 0))).toThrow(/Embedding a is all zeros/);
    expect(() => cosineSimilarity(f32(1, 0), f32(0, 0))).toThrow(InvalidInputError);
    expect(() => cosineSimilarity(f32(NaN, 0), f32(1, 0))).toThrow(/Embedding a has NaN at index 0/);
    expect(() => cosineSimilarity(f32(Infinity, 0), f32(1, 0))).toThrow(InvalidInputError);
    expect(() => cosineSimilarity(f32(1, 0), f32(1))).toThrow(/Embedding b has 1 values; embedding a has 2/);
  });
  it('accepts plain arrays of numbers', () => {
    expect(cosineSimilarity([1, 0], f32(5, 0))).toBe(1);
    expect(cosineSimilarity([3, 4], [30, 40])).toBeCloseTo(1, 12);
  });
});
