import { describe, expect, it } from 'vitest';
import { stackedMale, type GenderHead } from '../attributes/gender-head.js';
import { InvalidOptionError } from '../errors.js';
import { sigmoid } from '../util/log-odds.js';
import { cosineKMeans, crossValidateGenderHead, fitGenderHead, type GenderHeadFitOptions, type GenderRow } from './gender-head-fit.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}
const gauss = (r: () => number) => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
const unit = (v: readonly number[]) => { const n = Math.hypot(...v); return Float64Array.from(v, (x) => x / n); };
const norm = (v: ArrayLike<number>) => Math.hypot(...Array.from(v));

const DIMS = 16;
/**
 * `n` people, 1–3 photos each, in 16 dimensions. Each person has an identity offset shared by
 * their photos; with `signal`, the label also shifts dimension 0 by ±1 and the gender model reads
 * σ(±1.2 + 1.5·noise) (right about 4 times in 5). Without it, labels are independent of both.
 */
function people(seed: number, n: number, signal = true): GenderRow[] {
  const r = rng(seed);
  const rows: GenderRow[] = [];
  for (let p = 0; p < n; p++) {
    const male = r() < 0.5 ? 1 : 0;
    const own = Array.from({ length: DIMS }, () => gauss(r) * 0.6);
    const photos = 1 + Math.floor(r() * 3);
    for (let k = 0; k < photos; k++) {
      const x = own.map((o, i) => o + gauss(r) * 0.2 + (signal && i === 0 ? (male ? 1 : -1) : 0));
      const modelMale = sigmoid((signal ? (male ? 1.2 : -1.2) : 0) + gauss(r) * 1.5);
      rows.push({ embedding: Float32Array.from(unit(x)), modelMale, male, person: `s${seed}-p${p}` });
    }
  }
  return rows;
}

const FAST: GenderHeadFitOptions = { counts: [[2, 4]], temperatures: [0.1], innerFolds: 3 };
const IDS = { genderModel: 'fr_gender', recognizer: 'fr_feature' };
const accuracy = (head: GenderHead, rows: readonly GenderRow[]) =>
  rows.filter((r) => (stackedMale(head, r.modelMale, r.embedding) >= 0.5 ? 1 : 0) === r.male).length / rows.length;
const rowsOf = (flat: Float32Array, dims: number) => Array.from({ length: flat.length / dims }, (_, i) => flat.subarray(i * dims, (i + 1) * dims));

describe('cosineKMeans', () => {
  /** Unit points scattered around `centres` (each `count` times). */
  function clusters(seed: number, centres: readonly number[][], count: number, spread = 0.15): Float64Array[] {
    const r = rng(seed);
    return centres.flatMap((c) => Array.from({ length: count }, () => unit(c.map((v) => v + gauss(r) * spread))));
  }

  it('returns unit-length centroids near the clusters\' directions', () => {
    const centres = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]];
    const points = clusters(2, centres, 8);
    const out = cosineKMeans(points, 3, 3, 5);
    expect(out).toHaveLength(3);
    for (const c of out) {
      expect(norm(c)).toBeCloseTo(1, 12);
      // Each centroid lies near one cluster's direction, and each cluster gets one.
      expect(Math.max(...c)).toBeGreaterThan(0.95);
    }
    expect(new Set(out.map((c) => c.indexOf(Math.max(...c)))).size).toBe(3);
  });

  it('drops a centroid of fewer than minPeople points', () => {
    // Two points along axis 0, six along axis 1: k-means++ gives each group a centroid.
    const points = [...clusters(3, [[1, 0, 0]], 2, 0.02), ...clusters(4, [[0, 1, 0]], 6, 0.02)];
    for (const seed of [1, 2, 3, 4, 5]) {
      const kept = cosineKMeans(points, 2, 3, seed);
      expect(kept, `seed ${seed}`).toHaveLength(1);
      expect(kept[0]![1]!, `seed ${seed}`).toBeGreaterThan(0.99);
      // With the bar at two, the pair keeps its centroid.
      const both = cosineKMeans(points, 2, 2, seed);
      expect(both, `seed ${seed}`).toHaveLength(2);
      expect(Math.max(...both.map((c) => c[0]!))).toBeGreaterThan(0.99);
    }
  });

  it('asks for no more centroids than points / minPeople, and throws with fewer points than minPeople', () => {
    const points = clusters(6, [[1, 0, 0], [0, 1, 0], [0, 0, 1]], 3);
    expect(cosineKMeans(points, 10, 3).length).toBeLessThanOrEqual(3);
    expect(() => cosineKMeans(points.slice(0, 2), 4, 3)).toThrow(InvalidOptionError);
    expect(() => cosineKMeans(points.slice(0, 2), 4, 3)).toThrow('prototypes need at least 3 people per class, got 2');
    expect(() => cosineKMeans([], 4, 1)).toThrow(InvalidOptionError);
  });

  it('gives the same centroids for the same seed', () => {
    const r = rng(9);
    const points = Array.from({ length: 40 }, () => unit(Array.from({ length: 6 }, () => gauss(r))));
    const a = cosineKMeans(points, 5, 3, 7);
    expect(a.length).toBeGreaterThan(0);
    expect(cosineKMeans(points, 5, 3, 7)).toEqual(a);
  });
});

describe('fitGenderHead', () => {
  const train = people(1, 80);

  it('fits unit-length prototypes of the embedding\'s length, and a stack that reads new people well', () => {
    const head = fitGenderHead(train, IDS, FAST);
    expect(head.genderModel).toBe('fr_gender');
    expect(head.recognizer).toBe('fr_feature');
    expect(head.dims).toBe(DIMS);
    expect(head.temperature).toBe(0.1);
    for (const protos of [head.male, head.female]) {
      expect(protos.length).toBeGreaterThan(0);
      expect(protos.length % DIMS).toBe(0);
      for (const row of rowsOf(protos, DIMS)) expect(norm(row)).toBeCloseTo(1, 5);
    }
    // At most the asked counts: 2 female, 4 male.
    expect(head.female.length / DIMS).toBeLessThanOrEqual(2);
    expect(head.male.length / DIMS).toBeLessThanOrEqual(4);
    // The male prototypes lie on the male side of dimension 0, the female ones on the other.
    for (const row of rowsOf(head.male, DIMS)) expect(row[0]!).toBeGreaterThan(0);
    for (const row of rowsOf(head.female, DIMS)) expect(row[0]!).toBeLessThan(0);
    // Both readings are informative, so both weigh in on the male side.
    expect(head.stack.ssr).toBeGreaterThan(0);
    expect(head.stack.prototype).toBeGreaterThan(0);
    expect(head.linear!.weights).toHaveLength(DIMS);

    const fresh = people(101, 200);
    const acc = accuracy(head, fresh);
    expect(acc).toBeGreaterThanOrEqual(0.85);
    // Better than the gender model alone.
    const modelAlone = fresh.filter((r) => (r.modelMale >= 0.5 ? 1 : 0) === r.male).length / fresh.length;
    expect(acc).toBeGreaterThan(modelAlone + 0.05);
  });

  it('is deterministic, and leaves the linear part out when asked', () => {
    const small = people(4, 40);
    expect(fitGenderHead(small, IDS, FAST)).toEqual(fitGenderHead(small, IDS, FAST));
    expect(fitGenderHead(small, IDS, { ...FAST, linear: false }).linear).toBeUndefined();
  });
});

describe('crossValidateGenderHead', () => {
  it('measures the synthetic signal on held-out people in 5 folds', () => {
    const rows = people(1, 80);
    const cv = crossValidateGenderHead(rows, 5, FAST);
    expect(cv.folds).toHaveLength(5);
    expect(cv.heldOut).toHaveLength(rows.length);
    for (const p of cv.heldOut) {
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(1);
    }
    expect(cv.accuracy.mean).toBeGreaterThan(0.85);
    expect(cv.positive.mean).toBeGreaterThan(0.75);
    expect(cv.negative.mean).toBeGreaterThan(0.75);
  });

  it('stays near chance when the labels carry no signal (no held-out person leaks into a fit)', () => {
    // Fitted on all of these rows and read back on them, the head scores 0.77: a fold that
    // leaked its held-out people would read far from chance.
    const rows = people(53, 80, false);
    const cv = crossValidateGenderHead(rows, 5, FAST);
    expect(cv.folds).toHaveLength(5);
    expect(cv.accuracy.mean).toBeLessThan(0.7);
    expect(cv.accuracy.mean).toBeGreaterThan(0.3);
  });
});
