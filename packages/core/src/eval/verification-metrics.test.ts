import { describe, expect, it } from 'vitest';
import { InvalidInputError, InvalidOptionError } from '../errors.js';
import { rng } from '@facekit/test-support/random';
import { accuracyAt, bestThreshold, evaluateVerification, tarAtFar, type ScoredPair } from './verification-metrics.js';

const pair = (similarity: number | null, same: boolean, fold = 0): ScoredPair => ({ similarity, same, fold });


describe('accuracyAt / bestThreshold', () => {
  // sorted: 0.1d 0.3d 0.4s 0.5d 0.8s 0.9s
  const six = [pair(0.9, true), pair(0.8, true), pair(0.4, true), pair(0.5, false), pair(0.3, false), pair(0.1, false)];

  it('predicts same iff similarity >= threshold', () => {
    expect(accuracyAt(six, 0.4)).toBeCloseTo(5 / 6, 12); // 0.4 accepted (right), 0.5 accepted (wrong)
    expect(accuracyAt(six, 0.5)).toBeCloseTo(4 / 6, 12); // 0.4 now rejected (wrong) too
    expect(accuracyAt(six, -Infinity)).toBeCloseTo(3 / 6, 12);
    expect(accuracyAt(six, Infinity)).toBeCloseTo(3 / 6, 12);
  });

  it('finds the lowest best midpoint', () => {
    // Accuracy 5/6 both between 0.3|0.4 and between 0.5|0.8: the lower one wins.
    const b = bestThreshold(six);
    expect(b.threshold).toBeCloseTo(0.35, 12);
    expect(b.accuracy).toBeCloseTo(5 / 6, 12);
  });

  it('separates perfectly separable pairs', () => {
    const b = bestThreshold([pair(0.2, false), pair(0.7, true), pair(0.6, true), pair(-0.1, false)]);
    expect(b.threshold).toBeCloseTo(0.4, 12);
    expect(b.accuracy).toBe(1);
  });

  it('moves tied similarities together', () => {
    // sorted: 0.2d, {0.5s, 0.5d}, 0.7s: no threshold can split the 0.5 tie.
    const p = [pair(0.5, true), pair(0.5, false), pair(0.7, true), pair(0.2, false)];
    const b = bestThreshold(p);
    expect(b.threshold).toBeCloseTo(0.35, 12);
    expect(b.accuracy).toBeCloseTo(3 / 4, 12);
    expect(accuracyAt(p, 0.5)).toBeCloseTo(3 / 4, 12);
    // Everything tied: 1/2 at any threshold; the lowest candidate (below all) is returned.
    const t = bestThreshold([pair(0.5, true), pair(0.5, false)]);
    expect(t.accuracy).toBe(0.5);
    expect(t.threshold).toBeLessThan(0.5);
  });

  it('returns a threshold above everything when rejecting all is best', () => {
    const b = bestThreshold([pair(0.3, false), pair(0.9, false), pair(0.5, true)]);
    expect(b.accuracy).toBeCloseTo(2 / 3, 12);
    expect(b.threshold).toBeCloseTo(0.4, 12); // rejecting 0.3 alone already gives 2/3: lowest wins
    const all = bestThreshold([pair(0.3, false), pair(0.9, false)]);
    expect(all.accuracy).toBe(1);
    expect(all.threshold).toBeGreaterThan(0.9);
  });

  it('counts null similarities as wrong at every threshold', () => {
    const withNull = [...six, pair(null, true), pair(null, false)];
    const b = bestThreshold(withNull);
    expect(b.threshold).toBeCloseTo(0.35, 12);
    expect(b.accuracy).toBeCloseTo(5 / 8, 12);
    expect(accuracyAt([pair(null, false)], Infinity)).toBe(0);
    expect(accuracyAt([pair(null, true)], -Infinity)).toBe(0);
    expect(bestThreshold([pair(null, true), pair(null, false)]).accuracy).toBe(0);
  });

  it('splits adjacent doubles correctly', () => {
    const a = 0.5, b = 0.5 + Number.EPSILON / 2; // consecutive doubles: their midpoint rounds onto one of them
    const r = bestThreshold([pair(a, false), pair(b, true)]);
    expect(r.accuracy).toBe(1);
    expect(accuracyAt([pair(a, false), pair(b, true)], r.threshold)).toBe(1);
  });

  it('matches an O(n²) brute force on random tied data', () => {
    const rand = rng(7);
    for (let trial = 0; trial < 50; trial++) {
      const p = Array.from({ length: 1 + Math.floor(rand() * 40) }, () =>
        pair(rand() < 0.1 ? null : Math.round(rand() * 20) / 20, rand() < 0.5));
      const values = p.flatMap((x) => (x.similarity === null ? [] : [x.similarity]));
      const brute = Math.max(accuracyAt(p, Infinity), ...values.map((v) => accuracyAt(p, v)));
      const b = bestThreshold(p);
      expect(b.accuracy).toBeCloseTo(brute, 12);
      expect(accuracyAt(p, b.threshold)).toBeCloseTo(b.accuracy, 12);
    }
  });

  it('rejects empty input and non-finite similarities', () => {
    expect(() => bestThreshold([])).toThrow(InvalidInputError);
    expect(() => accuracyAt([], 0)).toThrow(InvalidInputError);
    expect(() => bestThreshold([pair(Number.NaN, true)])).toThrow(InvalidInputError);
    expect(() => accuracyAt([pair(Infinity, true)], 0)).toThrow(InvalidInputError);
  });
});

describe('tarAtFar', () => {
  const impostor = Array.from({ length: 1000 }, (_, i) => i / 1000); // 0, 0.001, …, 0.999

  it('accepts exactly far·n evenly spaced impostors', () => {
    const r = tarAtFar([0.98, 0.989, 0.99, 1], impostor, 1e-2);
    expect(impostor.filter((s) => s >= r.threshold)).toHaveLength(10); // 0.990 … 0.999
    expect(r.far).toBe(0.01);
    expect(r.threshold).toBeGreaterThan(0.989);
    expect(r.threshold).toBeLessThan(0.99);
    expect(r.tar).toBe(0.5); // 0.99 and 1 accepted; 0.989 ties the highest rejected impostor
    const r3 = tarAtFar([0.5], impostor, 1e-3);
    expect(impostor.filter((s) => s >= r3.threshold)).toHaveLength(1);
    expect(r3.far).toBe(0.001);
    expect(r3.tar).toBe(0);
  });

  it('picks the smallest threshold: one step lower would exceed the far', () => {
    const r = tarAtFar([], impostor, 1e-2);
    expect(impostor.filter((s) => s >= 0.989).length / 1000).toBeGreaterThan(1e-2);
    expect(Number.isNaN(r.tar)).toBe(true); // no genuine scores
  });

  it('rejects a whole tie rather than exceed the far', () => {
    const imp = [0.9, 0.9, 0.9, ...Array.from({ length: 97 }, () => 0.1)];
    const two = tarAtFar([0.9, 0.95, 0.5], imp, 0.02);
    expect(two.far).toBe(0); // accepting the tie would give 0.03 > 0.02
    expect(two.tar).toBeCloseTo(1 / 3, 12);
    const three = tarAtFar([0.9, 0.95, 0.5], imp, 0.03);
    expect(three.far).toBe(0.03);
    expect(three.tar).toBe(1);
  });

  it('never exceeds the requested far on random data', () => {
    const rand = rng(11);
    for (let trial = 0; trial < 50; trial++) {
      const imp = Array.from({ length: 1 + Math.floor(rand() * 300) }, () => Math.round(rand() * 50) / 50);
      const far = 0.001 + rand() * 0.5;
      const r = tarAtFar([0.5], imp, far);
      expect(r.far).toBeLessThanOrEqual(far);
      // the highest impostor not accepted sits right below the threshold: lowering onto it breaks the far
      const below = Math.max(...imp.filter((s) => s < r.threshold));
      expect(imp.filter((s) => s >= below).length / imp.length).toBeGreaterThan(far);
    }
  });

  it('never accepts -Infinity (a missing face)', () => {
    const r = tarAtFar([-Infinity, 0.5], [-Infinity, -Infinity], 0.5);
    expect(r.far).toBe(0);
    expect(r.tar).toBe(0.5);
  });

  it('validates its arguments', () => {
    expect(() => tarAtFar([0.5], [], 0.01)).toThrow(InvalidInputError);
    for (const far of [0, 1, -0.1, 1.5, Number.NaN]) expect(() => tarAtFar([0.5], [0.1], far)).toThrow(InvalidOptionError);
    expect(() => tarAtFar([Number.NaN], [0.1], 0.5)).toThrow(InvalidInputError);
    expect(() => tarAtFar([0.5], [Infinity], 0.5)).toThrow(InvalidInputError);
  });
});

describe('evaluateVerification', () => {
  /** Folds 1–9 are cleanly separated (same at 0.8, different at 0.2); fold 0 is given. */
  function tenFolds(fold0: ScoredPair[]): ScoredPair[] {
    const p = [...fold0];
    for (let f = 1; f < 10; f++) p.push(pair(0.8, true, f), pair(0.8, true, f), pair(0.2, false, f), pair(0.2, false, f));
    return p;
  }

  it("chooses each fold's threshold on the other folds only", () => {
    // On its own, fold 0 would be separable at 0.35; folds 1–9 put the threshold at 0.5.
    const a = evaluateVerification(tenFolds([pair(0.4, true), pair(0.3, false)]));
    expect(a.thresholdChosenOnTestFold).toBe(false);
    expect(a.folds.map((f) => f.fold)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(a.folds[0]!.threshold).toBeCloseTo(0.5, 12);
    expect(a.folds[0]!.accuracy).toBe(0.5);
    // Folds 1–9 see fold 0 in training, which moves their threshold to 0.35.
    for (const f of a.folds.slice(1)) {
      expect(f.threshold).toBeCloseTo(0.35, 12);
      expect(f.accuracy).toBe(1);
    }
    // Fold 0's own pairs, however changed, leave fold 0's threshold alone.
    const b = evaluateVerification(tenFolds([pair(0.1, true), pair(0.95, false), pair(null, true)]));
    expect(b.folds[0]!.threshold).toBe(a.folds[0]!.threshold);
    expect(b.folds[0]!.accuracy).toBe(0);
    expect(b.folds[1]!.threshold).not.toBeCloseTo(a.folds[1]!.threshold, 6);
  });

  it('reports mean and population std over folds', () => {
    const r = evaluateVerification(tenFolds([pair(0.4, true), pair(0.3, false)]));
    // accuracies: 0.5 and nine 1s → mean 0.95, population std sqrt((0.45² + 9·0.05²) / 10) = 0.15
    expect(r.meanAccuracy).toBeCloseTo(0.95, 12);
    expect(r.stdAccuracy).toBeCloseTo(0.15, 12);
    expect(r.pairs).toBe(38);
    expect(r.missing).toBe(0);
  });

  it('flags a single fold and uses its own best threshold', () => {
    const p = [pair(0.9, true, 3), pair(0.4, true, 3), pair(0.5, false, 3), pair(0.3, false, 3)];
    const r = evaluateVerification(p);
    expect(r.thresholdChosenOnTestFold).toBe(true);
    expect(r.folds).toHaveLength(1);
    expect(r.folds[0]!.fold).toBe(3);
    expect(r.folds[0]).toEqual({ fold: 3, ...bestThreshold(p) });
    expect(r.meanAccuracy).toBe(r.folds[0]!.accuracy);
    expect(r.stdAccuracy).toBe(0);
  });

  it('pools TAR@FAR over folds, counting missing pairs as rejected', () => {
    // 99 scored impostors + 1 missing = 100: FAR 1e-2 allows one false accept (0.98).
    const p: ScoredPair[] = Array.from({ length: 99 }, (_, i) => pair(i / 100, false, i % 2));
    p.push(pair(null, false, 0), pair(0.975, true, 0), pair(0.99, true, 1), pair(null, true, 0), pair(null, true, 1));
    const r = evaluateVerification(p, [1e-2]);
    expect(r.missing).toBe(3);
    expect(r.pairs).toBe(104);
    expect(r.tarAtFar).toHaveLength(1);
    const t = r.tarAtFar[0]!;
    expect(t.far).toBe(1e-2);
    expect(t.threshold).toBeGreaterThan(0.97);
    expect(t.threshold).toBeLessThan(0.975);
    expect(t.tar).toBe(0.5); // 2 accepted of 4 genuine, 2 of them missing
  });

  it('defaults to FAR 1e-2 and 1e-3 and skips TAR@FAR without both classes', () => {
    const p = [pair(0.9, true, 0), pair(0.1, false, 0), pair(0.8, true, 1), pair(0.2, false, 1)];
    expect(evaluateVerification(p).tarAtFar.map((t) => t.far)).toEqual([1e-2, 1e-3]);
    expect(evaluateVerification([pair(0.9, true), pair(0.8, true)]).tarAtFar).toEqual([]);
  });

  it('rejects no pairs', () => {
    expect(() => evaluateVerification([])).toThrow(InvalidInputError);
  });
});
