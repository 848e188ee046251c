import { InvalidInputError, InvalidOptionError } from '../errors.js';

/** One verification pair with its embedding similarity (higher = more alike). */
export interface ScoredPair {
  /** null when a face was not found in one of the images: always counts as a wrong answer. */
  similarity: number | null;
  same: boolean;
  fold: number;
}

export interface FoldResult { fold: number; threshold: number; accuracy: number }

export interface VerificationReport {
  /** One entry per distinct fold, ascending. */
  folds: FoldResult[];
  meanAccuracy: number;
  /** Population std over folds (as the LFW protocol and InsightFace report it); 0 with one fold. */
  stdAccuracy: number;
  /**
   * True when there is only one fold, so its threshold was chosen on the very pairs it is
   * scored on: the accuracy is optimistic and must be labelled as such.
   */
  thresholdChosenOnTestFold: boolean;
  /** Over all pairs pooled; empty when there are no genuine or no impostor pairs. */
  tarAtFar: { far: number; tar: number; threshold: number }[];
  /** Pairs with a null similarity. */
  missing: number;
  pairs: number;
}

/**
 * Fraction of pairs answered correctly when "same" is predicted iff `similarity >= threshold`.
 * Null similarities are always wrong.
 */
export function accuracyAt(pairs: readonly ScoredPair[], threshold: number): number {
  if (pairs.length === 0) throw new InvalidInputError('accuracyAt: no pairs; pass at least one scored pair');
  let correct = 0;
  for (const p of pairs) {
    checkSimilarity(p.similarity);
    if (p.similarity !== null && (p.similarity >= threshold) === p.same) correct++;
  }
  return correct / pairs.length;
}

/**
 * The threshold maximizing {@link accuracyAt} (same iff `similarity >= threshold`). Candidates
 * are one value below all similarities, the midpoints between consecutive distinct ones and one
 * value above all; ties in accuracy go to the lowest threshold (like InsightFace's argmax over
 * an ascending grid). Tied similarities can't be split, so they move together. Null
 * similarities are wrong at every threshold but stay in the denominator. O(n log n).
 */
export function bestThreshold(pairs: readonly ScoredPair[]): { threshold: number; accuracy: number } {
  if (pairs.length === 0) throw new InvalidInputError('bestThreshold: no pairs; pass at least one scored pair');
  const scored: { s: number; same: boolean }[] = [];
  for (const p of pairs) {
    checkSimilarity(p.similarity);
    if (p.similarity !== null) scored.push({ s: p.similarity, same: p.same });
  }
  if (scored.length === 0) return { threshold: 0, accuracy: 0 };
  scored.sort((x, y) => x.s - y.s);

  // Below everything all pairs are accepted: exactly the genuine ones are right.
  let correct = scored.reduce((n, p) => n + (p.same ? 1 : 0), 0);
  const lo = scored[0]!.s;
  let best = correct, threshold = lo - Math.max(1, Math.abs(lo));
  for (let i = 0; i < scored.length;) {
    // Raise the threshold past the group of pairs tied at scored[i].s: they become rejected.
    const v = scored[i]!.s;
    for (; i < scored.length && scored[i]!.s === v; i++) correct += scored[i]!.same ? -1 : 1;
    if (correct > best) {
      best = correct;
      const next = scored[i]?.s;
      threshold = next === undefined ? v + Math.max(1, Math.abs(v)) : midpoint(v, next);
    }
  }
  return { threshold, accuracy: best / pairs.length };
}

/**
 * TAR at a requested FAR. With k = the largest count such that k / impostors ≤ far, the
 * threshold is the smallest double at which at most k impostors score ≥ it: just above the
 * (k+1)-th highest impostor score. Impostors tied with that score are all rejected, so the
 * achieved FAR (returned as `far`) never exceeds the requested one. `tar` = fraction of genuine
 * scores ≥ threshold (NaN with no genuine scores). -Infinity is accepted as a score that is
 * never accepted (how a missing face is counted as a rejection).
 */
export function tarAtFar(genuine: readonly number[], impostor: readonly number[], far: number): { tar: number; threshold: number; far: number } {
  if (impostor.length === 0) throw new InvalidInputError('tarAtFar: no impostor scores; pass at least one');
  if (!(far > 0 && far < 1)) throw new InvalidOptionError(`tarAtFar: far must be in (0, 1), e.g. 1e-3, got ${far}`);
  for (const s of [...genuine, ...impostor]) {
    if (Number.isNaN(s) || s === Infinity) throw new InvalidInputError(`tarAtFar: bad score ${s}; scores are finite numbers (-Infinity for a missing face)`);
  }
  const n = impostor.length;
  // Floor of far·n, corrected for rounding so that k / n ≤ far holds as computed.
  let k = Math.floor(far * n);
  while ((k + 1) / n <= far) k++;
  while (k > 0 && k / n > far) k--;
  const desc = [...impostor].sort((x, y) => y - x);
  const threshold = nextUp(desc[k]!);
  const accepted = (xs: readonly number[]): number => xs.reduce((c, s) => c + (s >= threshold ? 1 : 0), 0);
  return { tar: accepted(genuine) / genuine.length, threshold, far: accepted(impostor) / n };
}

/**
 * The LFW / InsightFace k-fold protocol: each fold is scored at the threshold that is best on
 * all the other folds. With a single fold there is nothing else to choose on, so its own best
 * threshold is used and `thresholdChosenOnTestFold` is set. TAR@FAR (default FAR 1e-2 and
 * 1e-3) is computed over all pairs pooled, with missing pairs counted as rejected: a missing
 * genuine pair lowers TAR, a missing impostor pair is a correct rejection (it stays in the FAR
 * denominator).
 */
export function evaluateVerification(pairs: readonly ScoredPair[], fars: readonly number[] = [1e-2, 1e-3]): VerificationReport {
  if (pairs.length === 0) throw new InvalidInputError('evaluateVerification: no pairs; pass at least one scored pair');
  const foldIds = [...new Set(pairs.map((p) => p.fold))].sort((x, y) => x - y);
  const single = foldIds.length === 1;
  const folds = foldIds.map((fold): FoldResult => {
    const test = pairs.filter((p) => p.fold === fold);
    if (single) return { fold, ...bestThreshold(test) };
    const { threshold } = bestThreshold(pairs.filter((p) => p.fold !== fold));
    return { fold, threshold, accuracy: accuracyAt(test, threshold) };
  });
  const accs = folds.map((f) => f.accuracy);
  const meanAccuracy = mean(accs);
  const stdAccuracy = Math.sqrt(mean(accs.map((a) => (a - meanAccuracy) ** 2)));

  const score = (p: ScoredPair): number => p.similarity ?? -Infinity;
  const genuine = pairs.filter((p) => p.same).map(score);
  const impostor = pairs.filter((p) => !p.same).map(score);
  const tar = genuine.length === 0 || impostor.length === 0
    ? []
    : fars.map((far) => {
      const r = tarAtFar(genuine, impostor, far);
      return { far, tar: r.tar, threshold: r.threshold };
    });
  return {
    folds,
    meanAccuracy,
    stdAccuracy,
    thresholdChosenOnTestFold: single,
    tarAtFar: tar,
    missing: pairs.filter((p) => p.similarity === null).length,
    pairs: pairs.length,
  };
}

function checkSimilarity(s: number | null): void {
  if (s !== null && !Number.isFinite(s)) throw new InvalidInputError(`A pair's similarity must be finite, or null for a missing face; got ${s}`);
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** A threshold strictly above `a` and at most `b` (a < b), so it splits them as intended. */
function midpoint(a: number, b: number): number {
  const m = a / 2 + b / 2;
  return m > a ? m : b;
}

/** The smallest double greater than `x` (x finite or -Infinity). */
function nextUp(x: number): number {
  if (x === -Infinity) return -Number.MAX_VALUE;
  if (x === 0) return Number.MIN_VALUE; // also for -0
  const f = new Float64Array([x]);
  const bits = new BigInt64Array(f.buffer);
  bits[0] = bits[0]! + (x > 0 ? 1n : -1n);
  return f[0]!;
}
