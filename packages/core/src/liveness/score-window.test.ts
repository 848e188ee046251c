import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../errors.js';
import { createScoreWindow } from './score-window.js';

describe('createScoreWindow', () => {
  it('is empty at first', () => {
    const w = createScoreWindow();
    expect(w.count).toBe(0);
    expect(w.median()).toBeUndefined();
  });

  it('gives the median of the last 5 scores (default size), odd and even counts', () => {
    const w = createScoreWindow();
    w.push(0.9);
    expect(w.median()).toBe(0.9);
    w.push(0.1);
    expect(w.median()).toBeCloseTo(0.5, 12);
    for (const s of [0.8, 0.85, 0.2]) w.push(s);
    expect(w.count).toBe(5);
    expect(w.median()).toBe(0.8); // 0.1 0.2 0.8 0.85 0.9
    w.push(0.05); // drops 0.9
    w.push(0.07); // drops 0.1
    expect(w.count).toBe(5);
    expect(w.median()).toBe(0.2); // 0.05 0.07 0.2 0.8 0.85
  });

  it('ignores one outlier that would move a mean', () => {
    const w = createScoreWindow(5);
    for (const s of [0.9, 0.92, 0.01, 0.88, 0.91]) w.push(s);
    expect(w.median()).toBe(0.9);
  });

  it('ignores non-finite scores, resets, and rejects a bad size', () => {
    const w = createScoreWindow(3);
    w.push(Number.NaN);
    w.push(Infinity);
    expect(w.count).toBe(0);
    w.push(0.4);
    w.reset();
    expect(w.count).toBe(0);
    expect(w.median()).toBeUndefined();
    w.push(0.7);
    expect(w.median()).toBe(0.7);
    expect(() => createScoreWindow(0)).toThrow(InvalidOptionError);
    expect(() => createScoreWindow(2.5)).toThrow(InvalidOptionError);
  });
});
