import { describe, expect, it } from 'vitest';
import { crossValidateHead, fitCalibratedHead, headProbability, scoreProbabilities, type LabelledRow } from './linear-head-cv.js';

function rng(seed: number) {
  let s = seed;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}
const gauss = (r: () => number) => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());

/**
 * 60 people, 1–4 photos each, in 8 dimensions: the label shifts dimension 0, and each person adds
 * an offset of their own shared by their photos (as identity does in an embedding).
 */
function people(seed: number): LabelledRow[] {
  const r = rng(seed);
  const rows: LabelledRow[] = [];
  for (let p = 0; p < 60; p++) {
    const y = p % 4 === 0 ? 0 : 1; // a quarter are 0, as women are in LFW
    const own = Array.from({ length: 8 }, () => gauss(r) * 0.5);
    const photos = 1 + Math.floor(r() * 4);
    for (let k = 0; k < photos; k++) {
      const x = own.map((o, i) => o + gauss(r) * 0.3 + (i === 0 ? (y ? 1.2 : -1.2) : 0));
      rows.push({ x, y, person: `p${p}` });
    }
  }
  return rows;
}

describe('crossValidateHead', () => {
  it('measures a separable signal on held-out people, with both classes read well and a small ECE', () => {
    const cv = crossValidateHead(people(5), { folds: 5 });
    expect(cv.folds).toHaveLength(5);
    expect(cv.accuracy.mean).toBeGreaterThan(0.85);
    expect(cv.negative.mean).toBeGreaterThan(0.75);
    expect(cv.ece.mean).toBeLessThan(0.2);
    expect(cv.heldOut.every((p) => p > 0 && p < 1)).toBe(true);
  });

  it('reads chance on labels that carry no signal (a head that fits its training people cannot fake a result)', () => {
    const rows = people(9).map((r, i) => ({ ...r, y: (r.person.charCodeAt(r.person.length - 1) + i) % 2 }));
    const cv = crossValidateHead(rows, { folds: 5 });
    expect(cv.accuracy.mean).toBeLessThan(0.65);
  });
});

describe('fitCalibratedHead', () => {
  it('picks a penalty from the grid and gives probabilities on the right side of 0.5', () => {
    const rows = people(2);
    const h = fitCalibratedHead(rows, { l2Grid: [1e-3, 1] });
    expect([1e-3, 1]).toContain(h.l2);
    expect(headProbability(h, [2.5, 0, 0, 0, 0, 0, 0, 0])).toBeGreaterThan(0.9);
    expect(headProbability(h, [-2.5, 0, 0, 0, 0, 0, 0, 0])).toBeLessThan(0.1);
  });
});

describe('scoreProbabilities', () => {
  it('counts a missing reading (NaN) as wrong and leaves it out of the ECE', () => {
    const s = scoreProbabilities([0.9, 0.2, NaN, 0.7], [1, 0, 1, 0]);
    expect(s.accuracy).toBe(0.5);
    expect(s.positive).toBe(0.5);
    expect(s.negative).toBe(0.5);
    expect(s.ece).toBeCloseTo((Math.abs(1 - 0.9) + Math.abs(1 - 0.8) + Math.abs(0 - 0.7)) / 3, 10);
  });
});
