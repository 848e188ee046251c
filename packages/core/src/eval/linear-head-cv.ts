// Person-disjoint cross-validation of a calibrated linear head on embeddings: in each outer
// fold the L2 penalty is chosen, and the Platt scaling fitted, on the training people only
// (by an inner person-disjoint split), then the head is measured on the held-out people.
import { expectedCalibrationError } from './calibration.js';
import { applyPlatt, fitLogistic, fitPlatt, linearScore, type LinearHead, type PlattScaling } from './logistic-regression.js';
import { meanStd, outOfFold } from './person-folds.js';

export interface LabelledRow {
  /** The embedding. */
  x: ArrayLike<number>;
  /** 1 or 0 (for gender: 1 = male). */
  y: number;
  /** Who it shows: no person is in two folds. */
  person: string;
}

/** A fitted head: the linear score and the scaling that turns it into P(y = 1). */
export interface CalibratedHead { head: LinearHead; platt: PlattScaling; l2: number }

export interface FoldScore {
  accuracy: number;
  /** Accuracy on rows with y = 1 and y = 0. */
  positive: number;
  negative: number;
  /** ECE (10 bins) of the calibrated confidence in the predicted label. */
  ece: number;
  l2: number;
}

export interface HeadCrossValidation {
  folds: FoldScore[];
  accuracy: { mean: number; std: number };
  positive: { mean: number; std: number };
  negative: { mean: number; std: number };
  ece: { mean: number; std: number };
  /** Every row's held-out calibrated P(y = 1), in input order. */
  heldOut: number[];
}

export const DEFAULT_L2_GRID = [1e-4, 1e-3, 1e-2, 1e-1] as const;

/** Held-out scores of every row by a k-fold person-disjoint split, for one penalty. */
const outOfFoldScores = (rows: readonly LabelledRow[], k: number, l2: number, seed: number): number[] =>
  outOfFold(rows, k, seed, (train) => fitLogistic(train.map((r) => r.x), train.map((r) => r.y), { l2 }), (head, r) => linearScore(head, r.x)).scores;

/** Balanced accuracy (mean of the two classes' accuracies) of scores thresholded at 0. */
function balancedAccuracy(scores: readonly number[], y: readonly number[]): number {
  let tp = 0, p = 0, tn = 0, n = 0;
  scores.forEach((s, i) => { if (y[i] === 1) { p++; if (s >= 0) tp++; } else { n++; if (s < 0) tn++; } });
  return (tp / p + tn / n) / 2;
}

/**
 * Fits the head on `rows`: the penalty from `l2Grid` with the best balanced accuracy over an
 * inner `innerFolds`-fold person-disjoint split, the Platt scaling on that split's held-out scores,
 * then the weights on all rows.
 */
export function fitCalibratedHead(rows: readonly LabelledRow[], o: { l2Grid?: readonly number[]; innerFolds?: number; seed?: number } = {}): CalibratedHead {
  const grid = o.l2Grid ?? DEFAULT_L2_GRID;
  const y = rows.map((r) => r.y);
  let best: { l2: number; score: number; scores: number[] } | undefined;
  for (const l2 of grid) {
    const scores = outOfFoldScores(rows, o.innerFolds ?? 4, l2, (o.seed ?? 1) + 1);
    const score = balancedAccuracy(scores, y);
    if (!best || score > best.score) best = { l2, score, scores };
  }
  const head = fitLogistic(rows.map((r) => r.x), y, { l2: best!.l2 });
  return { head, platt: fitPlatt(best!.scores, y), l2: best!.l2 };
}

/** P(y = 1) of one embedding under a fitted head. */
export const headProbability = (h: CalibratedHead, x: ArrayLike<number>): number => applyPlatt(h.platt, linearScore(h.head, x));

/**
 * Scores held-out probabilities: accuracy overall and per class, and ECE. A NaN probability (no
 * reading, e.g. no face found) counts as wrong and is left out of the ECE.
 */
export function scoreProbabilities(p: readonly number[], y: readonly number[]): Omit<FoldScore, 'l2'> {
  let right = 0, pos = 0, posRight = 0, neg = 0, negRight = 0;
  const confidence: number[] = [];
  const correct: boolean[] = [];
  p.forEach((v, i) => {
    const ok = !Number.isNaN(v) && (v >= 0.5 ? 1 : 0) === y[i];
    if (ok) right++;
    if (y[i] === 1) { pos++; if (ok) posRight++; } else { neg++; if (ok) negRight++; }
    if (Number.isNaN(v)) return;
    confidence.push(Math.max(v, 1 - v));
    correct.push(ok);
  });
  return { accuracy: right / p.length, positive: posRight / pos, negative: negRight / neg, ece: expectedCalibrationError(confidence, correct) };
}

/** Outer `k`-fold person-disjoint cross-validation of {@link fitCalibratedHead}. */
export function crossValidateHead(rows: readonly LabelledRow[], o: { folds?: number; l2Grid?: readonly number[]; seed?: number } = {}): HeadCrossValidation {
  const k = o.folds ?? 5;
  const seed = o.seed ?? 1;
  const run = outOfFold(rows, k, seed, (train) => fitCalibratedHead(train, { ...(o.l2Grid ? { l2Grid: o.l2Grid } : {}), seed }), (h, r) => headProbability(h, r.x));
  return scoreFolds(run.scores, rows.map((r) => r.y), run.fold, run.models.map((m) => m.l2));
}

/**
 * Scores held-out probabilities fold by fold (`fold[i]`: row i's fold; `l2[f]`: fold f's penalty,
 * NaN where none was fitted) and summarises them.
 */
export function scoreFolds(p: readonly number[], y: readonly number[], fold: readonly number[], l2: readonly number[]): HeadCrossValidation {
  const scores = l2.map((penalty, f): FoldScore => {
    const idx = fold.flatMap((g, i) => (g === f ? [i] : []));
    return { ...scoreProbabilities(idx.map((i) => p[i]!), idx.map((i) => y[i]!)), l2: penalty };
  });
  return summarizeFolds(scores, [...p]);
}

/** Mean ± std of fold scores. */
export function summarizeFolds(folds: FoldScore[], heldOut: number[]): HeadCrossValidation {
  const of = (key: 'accuracy' | 'positive' | 'negative' | 'ece') => meanStd(folds.map((s) => s[key]));
  return { folds, accuracy: of('accuracy'), positive: of('positive'), negative: of('negative'), ece: of('ece'), heldOut };
}
