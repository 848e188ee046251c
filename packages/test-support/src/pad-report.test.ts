import { describe, expect, it } from 'vitest';
import { fiveNumbers, groupThresholdCv, modeRates, type Attempt } from './pad-report.js';

const at = (label: 'genuine' | 'attack', kind: string, outcome: Attempt['outcome'], eligible = true, durationMs = 1000): Attempt => ({ clip: `${kind}-${outcome}`, label, kind, person: 'p', eligible, outcome, durationMs });

describe('modeRates', () => {
  it('counts APCER per attack kind, BPCER over eligible genuine clips only, and times of the accepted', () => {
    const r = modeRates([
      at('attack', 'print', 'accepted'), at('attack', 'print', 'rejected'), at('attack', 'replay', 'timeout'),
      at('genuine', 'still', 'accepted', true, 800), at('genuine', 'still', 'timeout'), at('genuine', 'blink', 'rejected', false),
      at('genuine', 'turn', 'accepted', true, 2000),
    ]);
    expect(r.apcer).toEqual({ print: { rate: 0.5, accepted: 1, presented: 2 }, replay: { rate: 0, accepted: 0, presented: 1 } });
    expect(r.maxApcer).toBe(0.5);
    expect([r.refused, r.undecided, r.genuine]).toEqual([1, 1, 3]);
    expect(r.bpcer).toBeCloseTo(1 / 3, 12);
    expect(r.acer).toBeCloseTo((0.5 + 1 / 3) / 2, 12);
    expect(r.decisionMs).toEqual({ median: 800, p90: 2000 });
  });
});

describe('groupThresholdCv', () => {
  it('chooses each fold\'s threshold without the held-out group and counts its errors', () => {
    const items = [
      { group: 'a', attack: false, score: 0.9 }, { group: 'a', attack: true, score: 0.3 },
      { group: 'b', attack: false, score: 0.58 }, { group: 'b', attack: true, score: 0.5 },
      { group: 'c', attack: false, score: 0.95 }, { group: 'c', attack: true, score: 0.1 },
    ];
    const seen: number[][] = [];
    const cv = groupThresholdCv(items, (g, a) => { seen.push([...g, ...a]); return (Math.max(...a) + Math.min(...g)) / 2; });
    // Fold a trains on b and c: attacks ≤ 0.5, genuine ≥ 0.58 → 0.54; a's genuine 0.9 passes, its attack 0.3 fails.
    expect(seen[0]!.sort()).toEqual([0.1, 0.5, 0.58, 0.95]);
    expect(cv.folds.map((f) => [f.group, f.threshold, f.apcer, f.bpcer])).toEqual([['a', (0.5 + 0.58) / 2, 0, 0], ['b', (0.3 + 0.9) / 2, 0, 1], ['c', (0.5 + 0.58) / 2, 0, 0]]);
    expect(cv.pooled).toEqual({ apcer: 0, bpcer: 1 / 3, acer: 1 / 6 });
    expect(cv.acerMean).toBeCloseTo(1 / 6, 12);
    expect(cv.acerStd).toBeCloseTo(Math.sqrt(((0 - 1 / 6) ** 2 * 2 + (0.5 - 1 / 6) ** 2) / 3), 12);
  });
});

describe('fiveNumbers', () => {
  it('gives quartiles and extremes, undefined for nothing', () => {
    expect(fiveNumbers([])).toBeUndefined();
    expect(fiveNumbers([4, 1, 3, 2])).toEqual({ n: 4, min: 1, q1: 1, median: 2, q3: 3, max: 4 });
  });
});
