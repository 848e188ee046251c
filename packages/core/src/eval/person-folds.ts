// Person-disjoint cross-validation folds: every photo of one person lands in the same fold, so a
// choice fitted on the other folds is measured on people it never saw.
import { InvalidOptionError } from '../errors.js';

/**
 * Fold index (0 … k−1) of each person: people sorted by name, shuffled by a seeded
 * Fisher–Yates, then dealt round-robin, so fold sizes in people differ by at most one and the
 * split is the same on every machine.
 */
export function personFolds(people: Iterable<string>, k: number, seed = 1): Map<string, number> {
  if (!Number.isInteger(k) || k < 2) throw new InvalidOptionError(`folds must be an integer ≥ 2, got ${k}`);
  const names = [...new Set(people)].sort();
  if (names.length < k) throw new InvalidOptionError(`${k} folds need at least ${k} people, got ${names.length}`);
  let s = seed >>> 0 || 1;
  const next = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 2 ** 32; };
  for (let i = names.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [names[i], names[j]] = [names[j]!, names[i]!];
  }
  return new Map(names.map((n, i) => [n, i % k]));
}

/** Mean and (population) standard deviation; NaN for no values. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  if (values.length === 0) return { mean: NaN, std: NaN };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, std: Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) };
}

/** Every row's held-out score, the fold it was held out in, and each fold's fitted model. */
export interface OutOfFold<M> { scores: number[]; fold: number[]; models: M[] }

/**
 * Person-disjoint k-fold: for each fold, `fit` on the rows of the other folds, then `score` the
 * fold's own rows with that fit; so every row is scored by a model that never saw its person.
 */
export function outOfFold<R extends { person: string }, M>(rows: readonly R[], k: number, seed: number, fit: (train: R[]) => M, score: (model: M, row: R) => number): OutOfFold<M> {
  const folds = personFolds(rows.map((r) => r.person), k, seed);
  const fold = rows.map((r) => folds.get(r.person)!);
  const scores = new Array<number>(rows.length);
  const models: M[] = [];
  for (let f = 0; f < k; f++) {
    const model = fit(rows.filter((_, i) => fold[i] !== f));
    models.push(model);
    rows.forEach((r, i) => { if (fold[i] === f) scores[i] = score(model, r); });
  }
  return { scores, fold, models };
}
