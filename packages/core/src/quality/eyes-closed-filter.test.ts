import { describe, expect, it } from 'vitest';
import { createEyesClosedFilter } from './eyes-closed-filter.js';

describe('createEyesClosedFilter', () => {
  it('closes only after closeAfter readings in a row below the threshold', () => {
    const f = createEyesClosedFilter({ closeBelow: 0.01, closeAfter: 3 });
    expect([0.005, 0.005, 0.5, 0.005, 0.005].map((v) => f.update(v))).toEqual([false, false, false, false, false]);
    expect(f.update(0.001)).toBe(true);
    expect(f.closed).toBe(true);
  });

  it('a reading wavering around the threshold cannot reopen it; one clearly above does', () => {
    const f = createEyesClosedFilter({ closeBelow: 0.01, closeAfter: 1 });
    expect(f.update(0.001)).toBe(true);
    // logit(0.01) + 2 ≈ p 0.069: readings between keep the state.
    for (const v of [0.012, 0.009, 0.03, 0.06]) expect(f.update(v), String(v)).toBe(true);
    expect(f.update(0.08)).toBe(false);
    for (const v of [0.012, 0.02]) expect(f.update(v)).toBe(false);
  });

  it('ignores frames without a reading, is off at 0, and reset() opens it', () => {
    const f = createEyesClosedFilter({ closeBelow: 0.01, closeAfter: 2 });
    f.update(0); f.update(undefined); f.update(0);
    expect(f.closed).toBe(true);
    f.reset();
    expect(f.closed).toBe(false);
    const off = createEyesClosedFilter({ closeBelow: 0 });
    expect([0, 0, 0, 0].map((v) => off.update(v))).toEqual([false, false, false, false]);
  });

  it('refuses options that cannot work', () => {
    expect(() => createEyesClosedFilter({ closeBelow: 1 })).toThrow(/closeBelow/);
    expect(() => createEyesClosedFilter({ closeBelow: 0.1, closeAfter: 0 })).toThrow(/closeAfter/);
    expect(() => createEyesClosedFilter({ closeBelow: 0.1, reopenMargin: -1 })).toThrow(/reopenMargin/);
  });
});
