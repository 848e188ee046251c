// Fitting the stacked gender head (attributes/gender-head.ts) and cross-validating it with no
// person in two folds. Inside any training set: prototypes are k-means centroids of people's
// mean embeddings, per gender, each kept only if it averages at least `minPeople` people (so no
// prototype is one person's template); the stack's two weights are fitted on prototype scores
// measured out of fold (an inner person-disjoint split), so they are not fitted to scores of
// people the prototypes were built from; the prototype counts and softness are chosen by that
// inner split's log-loss.
import { prototypeScore, stackedMale, type GenderHead } from '../attributes/gender-head.js';
import { clampedLogit, sigmoid } from '../util/log-odds.js';
import { InvalidOptionError } from '../errors.js';
import { fitLogistic, linearScore } from './logistic-regression.js';
import { scoreFolds, type HeadCrossValidation } from './linear-head-cv.js';
import { outOfFold } from './person-folds.js';

export interface GenderRow {
  /** The recognizer's L2-normalised embedding. */
  embedding: ArrayLike<number>;
  /** The gender model's P(male). */
  modelMale: number;
  /** 1 = male, 0 = female. */
  male: number;
  person: string;
}

export interface GenderHeadFitOptions {
  /** Candidate prototype counts (female, male). @defaultValue [[8, 16], [16, 32], [32, 64]] */
  counts?: readonly (readonly [number, number])[];
  /** Candidate softness τ. @defaultValue [0.05, 0.1] */
  temperatures?: readonly number[];
  /** A prototype must average at least this many people. @defaultValue 3 */
  minPeople?: number;
  /** Inner person-disjoint folds. @defaultValue 4 */
  innerFolds?: number;
  seed?: number;
  /**
   * The prior P(male) is calibrated to: `balanced` (half and half, as most user populations are)
   * or `training` (the training rows' share: 76 % male in lfw-dev's press photos). @defaultValue 'balanced'
   */
  prior?: 'balanced' | 'training';
  /** Also stack a linear head's score on the embedding. @defaultValue true */
  linear?: boolean;
}

type Prototypes = Pick<GenderHead, 'male' | 'female' | 'dims' | 'temperature'>;

function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 2 ** 32; };
}

function normalise(v: Float64Array): Float64Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  return v.map((x) => x / n);
}

/** Each person's mean embedding (unit length), for the rows with `male === label`. */
function personMeans(rows: readonly GenderRow[], label: number, dims: number): Float64Array[] {
  const sums = new Map<string, Float64Array>();
  for (const r of rows) {
    if (r.male !== label) continue;
    const s = sums.get(r.person) ?? new Float64Array(dims);
    for (let i = 0; i < dims; i++) s[i]! += r.embedding[i]!;
    sums.set(r.person, s);
  }
  return [...sums.keys()].sort().map((k) => normalise(sums.get(k)!));
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!; return s; };

/**
 * Spherical k-means (cosine) of `points`; centroids of fewer than `minPeople` points are dropped.
 * Seeded k-means++ start, so the same input gives the same prototypes.
 */
export function cosineKMeans(points: readonly Float64Array[], k: number, minPeople: number, seed = 1): Float64Array[] {
  const c = Math.min(k, Math.floor(points.length / minPeople));
  if (c < 1) throw new InvalidOptionError(`prototypes need at least ${minPeople} people per class, got ${points.length}`);
  const rnd = seeded(seed);
  const centroids: Float64Array[] = [points[Math.floor(rnd() * points.length)]!];
  while (centroids.length < c) {
    const d = points.map((p) => Math.max(0, 1 - Math.max(...centroids.map((q) => dot(p, q)))));
    let t = rnd() * d.reduce((a, b) => a + b, 0);
    let pick = 0;
    while (pick < d.length - 1 && (t -= d[pick]!) > 0) pick++;
    centroids.push(points[pick]!);
  }
  let assign = new Int32Array(points.length).fill(-1);
  for (let iter = 0; iter < 50; iter++) {
    const next = Int32Array.from(points, (p) => {
      let best = 0, bs = -Infinity;
      centroids.forEach((q, j) => { const s = dot(p, q); if (s > bs) { bs = s; best = j; } });
      return best;
    });
    const same = next.every((v, i) => v === assign[i]);
    assign = next;
    for (let j = 0; j < centroids.length; j++) {
      const sum = new Float64Array(points[0]!.length);
      let n = 0;
      points.forEach((p, i) => { if (assign[i] === j) { n++; for (let d = 0; d < sum.length; d++) sum[d]! += p[d]!; } });
      if (n) centroids[j] = normalise(sum);
    }
    if (same) break;
  }
  const sizes = centroids.map((_, j) => assign.filter((a) => a === j).length);
  return centroids.filter((_, j) => sizes[j]! >= minPeople);
}

const flatten = (rows: readonly Float64Array[], dims: number) => {
  const out = new Float32Array(rows.length * dims);
  rows.forEach((r, i) => out.set(r, i * dims));
  return out;
};

function buildPrototypes(rows: readonly GenderRow[], counts: readonly [number, number], temperature: number, minPeople: number, seed: number): Prototypes {
  const dims = rows[0]!.embedding.length;
  return {
    dims, temperature,
    female: flatten(cosineKMeans(personMeans(rows, 0, dims), counts[0], minPeople, seed), dims),
    male: flatten(cosineKMeans(personMeans(rows, 1, dims), counts[1], minPeople, seed + 1), dims),
  };
}

/** Prototype scores of every row, each from prototypes built without its person (inner folds). */
const outOfFoldPrototypeScores = (rows: readonly GenderRow[], counts: readonly [number, number], tau: number, o: Required<GenderHeadFitOptions>): number[] =>
  outOfFold(rows, o.innerFolds, o.seed + 7, (train) => buildPrototypes(train, counts, tau, o.minPeople, o.seed), (protos, r) => prototypeScore(protos, r.embedding)).scores;

const stackFeatures = (modelMale: number, q: number, h: number | undefined) => (h === undefined ? [clampedLogit(modelMale), q] : [clampedLogit(modelMale), q, h]);

function fitStack(rows: readonly GenderRow[], q: readonly number[], h: readonly number[] | undefined, prior: 'balanced' | 'training') {
  return fitLogistic(rows.map((r, i) => stackFeatures(r.modelMale, q[i]!, h?.[i])), rows.map((r) => r.male), { l2: 1e-4, classWeight: prior === 'balanced' ? 'balanced' : 'none' });
}

/** The linear head's penalty, fixed: in one-off runs while choosing, the head alone read 84–85 % at every penalty tried (1e-7…1). */
const LINEAR_L2 = 1e-3;

/** The linear head's score of every row, each from a head fitted without its person (inner folds). */
const outOfFoldLinearScores = (rows: readonly GenderRow[], o: Required<GenderHeadFitOptions>): number[] =>
  outOfFold(rows, o.innerFolds, o.seed + 7, (train) => fitLogistic(train.map((r) => r.embedding), train.map((r) => r.male), { l2: LINEAR_L2 }), (head, r) => linearScore(head, r.embedding)).scores;

const DEFAULTS: Required<GenderHeadFitOptions> = {
  counts: [[8, 16], [16, 32], [32, 64]], temperatures: [0.05, 0.1], minPeople: 3, innerFolds: 4, seed: 1, prior: 'balanced', linear: true,
};

/** Fits the head on `rows` (see the file comment). */
export function fitGenderHead(rows: readonly GenderRow[], ids: { genderModel: string; recognizer: string }, options: GenderHeadFitOptions = {}): GenderHead {
  const o = { ...DEFAULTS, ...options };
  let best: { loss: number; counts: readonly [number, number]; tau: number; q: number[] } | undefined;
  const h = o.linear ? outOfFoldLinearScores(rows, o) : undefined;
  for (const counts of o.counts) {
    for (const tau of o.temperatures) {
      const q = outOfFoldPrototypeScores(rows, counts, tau, o);
      const stack = fitStack(rows, q, h, o.prior);
      let loss = 0;
      rows.forEach((r, i) => {
        const p = sigmoid(linearScore(stack, stackFeatures(r.modelMale, q[i]!, h?.[i])));
        loss -= Math.log(Math.max(1e-12, r.male ? p : 1 - p));
      });
      if (!best || loss < best.loss) best = { loss, counts, tau, q };
    }
  }
  const stack = fitStack(rows, best!.q, h, o.prior);
  const protos = buildPrototypes(rows, best!.counts, best!.tau, o.minPeople, o.seed);
  return {
    ...ids, ...protos,
    stack: { ssr: stack.weights[0]!, prototype: stack.weights[1]!, bias: stack.bias },
    ...(h ? { linear: { ...fitLogistic(rows.map((r) => r.embedding), rows.map((r) => r.male), { l2: LINEAR_L2 }), stackWeight: stack.weights[2]! } } : {}),
  };
}

/** Outer `k`-fold person-disjoint cross-validation of {@link fitGenderHead}; every row gets a held-out P(male). */
export function crossValidateGenderHead(rows: readonly GenderRow[], k: number, options: GenderHeadFitOptions = {}): HeadCrossValidation {
  const run = outOfFold(rows, k, options.seed ?? 1, (train) => fitGenderHead(train, { genderModel: '', recognizer: '' }, options), (head, r) => stackedMale(head, r.modelMale, r.embedding));
  return scoreFolds(run.scores, rows.map((r) => r.male), run.fold, run.models.map(() => NaN));
}
