import { describe, expect, it } from 'vitest';
import { gaussian, rng } from '@facekit/test-support/random';
import { Int8Index, threshold, type Int8Kernel } from './int8-index.js';
import { l2Normalize } from './vector.js';

describe('Int8Index.candidates', () => {
  // Identities with several rows in shuffled order, many of them near one direction, so the
  // streaming top-k heap sees identities rise, get evicted and come back.
  const dim = 32;
  const next = rng(4242);
  const slots = 400;
  const rows = 1500;
  const dir = l2Normalize(Float32Array.from({ length: dim }, () => gaussian(next)));
  const vectors: Float32Array[] = [];
  const owner = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    owner[r] = Math.floor(next() * next() * slots); // low slots get many rows
    const w = next() * 1.2;
    vectors.push(l2Normalize(Float32Array.from({ length: dim }, (_, j) => w * dir[j]! + gaussian(next) / Math.sqrt(dim))));
  }
  // Every slot needs a row.
  for (let s = 0; s < slots; s++) owner[s * 3] = s;
  const index = Int8Index.create(dim)!;
  index.reserve(rows);
  vectors.forEach((v, r) => index.write(r, v));
  const queries = [dir, ...Array.from({ length: 3 }, () => l2Normalize(Float32Array.from({ length: dim }, (_, j) => dir[j]! + gaussian(next) / Math.sqrt(dim))))];

  it.each(['wasm', 'js'] as Int8Kernel[])('returns exactly the rows whose upper bound reaches the k-th largest identity lower bound (%s)', (kernel) => {
    const errors: string[] = [];
    for (const q of queries) {
      const { lower, upper } = index.rowBounds(q, rows, kernel);
      const best = new Float64Array(slots).fill(-Infinity);
      for (let r = 0; r < rows; r++) best[owner[r]!] = Math.max(best[owner[r]!]!, lower[r]!);
      const sorted = [...best].sort((a, b) => b - a);
      for (const k of [1, 2, 5, 17, 100, slots, slots + 1]) {
        for (const min of [-1, -0.2, 0.5, 0.95, 2]) {
          const L = k <= slots ? sorted[k - 1]! : -Infinity;
          const t = threshold(L, min);
          const want = [];
          for (let r = 0; r < rows; r++) if (upper[r]! >= t) want.push(r);
          const got = index.candidates(q, rows, owner, slots, k, min, kernel);
          const list = Array.from(got.rows.subarray(0, got.count));
          if (list.join() !== want.join()) errors.push(`k=${k} min=${min}: ${list.length} rows vs ${want.length}`);
          // And the bounds hold: every row's float64 score lies inside them.
          for (let r = 0; r < rows; r++) {
            let s = 0;
            for (let j = 0; j < dim; j++) s += vectors[r]![j]! * q[j]!;
            if (!(lower[r]! <= s && s <= upper[r]!)) errors.push(`row ${r}: ${s} outside [${lower[r]}, ${upper[r]}]`);
          }
        }
      }
    }
    expect(errors).toEqual([]);
  });

  it('threshold: max of the floor and minSimilarity, everything at or below -1, at most 1', () => {
    expect(threshold(-Infinity, -1)).toBe(-Infinity);
    expect(threshold(-1, -5)).toBe(-Infinity);
    expect(threshold(0.3, -1)).toBe(0.3);
    expect(threshold(0.3, 0.5)).toBe(0.5);
    expect(threshold(1.2, -1)).toBe(1);
    expect(threshold(-Infinity, Infinity)).toBe(1);
  });
});
