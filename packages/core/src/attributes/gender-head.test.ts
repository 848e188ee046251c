import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../errors.js';
import { linearScore } from '../eval/logistic-regression.js';
import { logit } from '../util/log-odds.js';
import { dequantizeRows, genderFromMale, prototypeScore, quantizeRows, stackedMale, type GenderHead } from './gender-head.js';

function rng(seed: number) {
  let s = seed;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

/** Male prototypes on axes 0 and 1, female on axes 2 and 3. */
function tinyHead(over: Partial<GenderHead> = {}): GenderHead {
  return {
    genderModel: 'fr_gender', recognizer: 'fr_feature', dims: 4,
    male: Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0]),
    female: Float32Array.from([0, 0, 1, 0, 0, 0, 0, 1]),
    temperature: 0.1,
    stack: { ssr: 1.5, prototype: 4, bias: 0.2 },
    ...over,
  };
}

describe('quantizeRows / dequantizeRows', () => {
  it('round-trips every value to within half its row\'s step, with one scale per row', () => {
    const r = rng(3);
    const dims = 7;
    const magnitudes = [1, 0.01, 250, 0]; // the last row is all zeros
    const values = new Float32Array(magnitudes.length * dims);
    magnitudes.forEach((m, row) => { for (let i = 0; i < dims; i++) values[row * dims + i] = (r() * 2 - 1) * m; });
    const q = quantizeRows(values, dims);
    expect(q.rows).toBe(4);
    expect(q.dims).toBe(dims);
    expect(q.scales).toHaveLength(4);
    for (let row = 0; row < 3; row++) {
      const max = Math.max(...values.subarray(row * dims, (row + 1) * dims).map(Math.abs));
      expect(q.scales[row]! / (max / 127)).toBeCloseTo(1, 6);
    }
    // The rows' scales differ as their magnitudes do.
    expect(q.scales[2]! / q.scales[1]!).toBeGreaterThan(1000);
    expect(q.scales[3]).toBe(1);
    expect(atob(q.base64)).toHaveLength(values.length);

    const back = dequantizeRows(q);
    expect(back).toHaveLength(values.length);
    for (let i = 0; i < values.length; i++) {
      const step = q.scales[Math.floor(i / dims)]!;
      expect(Math.abs(back[i]! - values[i]!), `value ${i}`).toBeLessThanOrEqual((step / 2) * (1 + 1e-5));
    }
    // The largest value of each row is kept up to float precision (it maps to ±127).
    for (let row = 0; row < 3; row++) {
      const slice = [...values.subarray(row * dims, (row + 1) * dims)];
      const at = slice.reduce((b, v, i) => (Math.abs(v) > Math.abs(slice[b]!) ? i : b), 0);
      expect(back[row * dims + at]! / values[row * dims + at]!).toBeCloseTo(1, 5);
    }
    expect([...back.subarray(3 * dims)]).toEqual(Array(dims).fill(0));
  });

  it('refuses bytes or scales that do not match rows × dims, naming the sizes', () => {
    const q = quantizeRows(Float32Array.from([1, -2, 3, 4, 0.5, -0.25, 0, 1]), 4);
    const short = { ...q, base64: btoa(atob(q.base64).slice(0, 7)) };
    expect(() => dequantizeRows(short)).toThrow(InvalidOptionError);
    expect(() => dequantizeRows(short)).toThrow('expected 2×4 bytes and 2 scales, got 7 and 2');
    expect(() => dequantizeRows({ ...q, scales: [q.scales[0]!] })).toThrow('expected 2×4 bytes and 2 scales, got 8 and 1');
  });
});

describe('prototypeScore', () => {
  it('is positive on a male prototype, negative on a female one, and equal to the soft-max cosine difference', () => {
    const head = tinyHead();
    const expected = 0.1 * Math.log(Math.exp(10) + 1) - 0.1 * Math.log(2);
    expect(prototypeScore(head, [1, 0, 0, 0])).toBeCloseTo(expected, 6);
    expect(prototypeScore(head, [0, 1, 0, 0])).toBeCloseTo(expected, 6);
    expect(prototypeScore(head, [0, 0, 1, 0])).toBeCloseTo(-expected, 6);
    expect(prototypeScore(head, [0, 0, 0, 1])).toBeCloseTo(-expected, 6);
    // Half-way between the two genders' prototypes: no preference.
    expect(prototypeScore(head, [Math.SQRT1_2, 0, Math.SQRT1_2, 0])).toBeCloseTo(0, 9);
  });

  it('stays finite for a very sharp temperature (no exp overflow)', () => {
    const q = prototypeScore(tinyHead({ temperature: 1e-3 }), [1, 0, 0, 0]);
    expect(q).toBeCloseTo(1 - 1e-3 * Math.log(2), 6);
  });
});

describe('stackedMale', () => {
  it('refuses an embedding of another length, naming the recognizer and the sizes', () => {
    const head = tinyHead();
    expect(() => stackedMale(head, 0.5, [1, 0, 0])).toThrow(InvalidOptionError);
    expect(() => stackedMale(head, 0.5, [1, 0, 0])).toThrow("reads fr_feature's 4-d embeddings, got 3 values");
  });

  it('rises with the model\'s P(male) when the stack\'s ssr weight is positive', () => {
    const head = tinyHead();
    const e = [0.5, 0.1, 0.6, 0.2].map((v) => v / Math.hypot(0.5, 0.1, 0.6, 0.2));
    const ps = [0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99].map((m) => stackedMale(head, m, e));
    for (let i = 1; i < ps.length; i++) expect(ps[i]!).toBeGreaterThan(ps[i - 1]!);
    // σ(ssr·logit(m) + prototype·q + bias), term by term.
    const q = prototypeScore(head, e);
    expect(logit(stackedMale(head, 0.7, e))).toBeCloseTo(1.5 * logit(0.7) + 4 * q + 0.2, 9);
    // A saturated model reading stays finite.
    expect(stackedMale(head, 1, e)).toBeLessThan(1);
    expect(stackedMale(head, 0, e)).toBeGreaterThan(0);
    // With a negative weight it falls instead.
    const inverted = tinyHead({ stack: { ssr: -1, prototype: 4, bias: 0 } });
    expect(stackedMale(inverted, 0.9, e)).toBeLessThan(stackedMale(inverted, 0.1, e));
  });

  it('adds the linear head\'s score, times its stack weight', () => {
    const linear = { weights: Float32Array.from([0.5, -1, 2, 0.25]), bias: -0.3, stackWeight: 0.8 };
    const withLinear = tinyHead({ linear });
    const without = tinyHead();
    const e = [0.2, 0.7, 0.1, 0.68];
    const diff = logit(stackedMale(withLinear, 0.4, e)) - logit(stackedMale(without, 0.4, e));
    expect(linearScore(linear, e)).not.toBeCloseTo(0, 2);
    expect(diff).toBeCloseTo(0.8 * linearScore(linear, e), 6);
    // A strongly negative linear score outweighs a male-looking embedding.
    const toFemale = tinyHead({ linear: { weights: Float32Array.from([0, 0, 0, 0]), bias: -20, stackWeight: 1 } });
    expect(stackedMale(tinyHead(), 0.5, [1, 0, 0, 0])).toBeGreaterThan(0.5);
    expect(stackedMale(toFemale, 0.5, [1, 0, 0, 0])).toBeLessThan(0.5);
  });
});

describe('genderFromMale', () => {
  it('labels by P(male) ≥ 0.5, with the confidence in the label', () => {
    expect(genderFromMale(0.2)).toEqual({ label: 'female', probability: expect.closeTo(0.8, 12) });
    expect(genderFromMale(0.5)).toEqual({ label: 'male', probability: 0.5 });
    expect(genderFromMale(0.93)).toEqual({ label: 'male', probability: 0.93 });
    expect(genderFromMale(0)).toEqual({ label: 'female', probability: 1 });
  });
});
