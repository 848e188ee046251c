import { describe, expect, it } from 'vitest';
import { meanStd, personFolds } from './person-folds.js';

describe('personFolds', () => {
  const people = Array.from({ length: 23 }, (_, i) => `p${i}`);
  it('puts every person in one fold, balanced to within one person, the same on every call', () => {
    const folds = personFolds([...people, ...people], 5);
    expect(folds.size).toBe(23);
    const sizes = [0, 1, 2, 3, 4].map((f) => [...folds.values()].filter((v) => v === f).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(personFolds([...people].reverse(), 5)).toEqual(folds);
    expect(personFolds(people, 5, 2)).not.toEqual(folds);
  });
  it('refuses fewer than two folds or fewer people than folds', () => {
    expect(() => personFolds(people, 1)).toThrow(/folds must be an integer ≥ 2/);
    expect(() => personFolds(['a', 'b'], 3)).toThrow(/at least 3 people/);
  });
});

describe('meanStd', () => {
  it('gives the mean and population standard deviation', () => {
    expect(meanStd([1, 3])).toEqual({ mean: 2, std: 1 });
    expect(meanStd([]).mean).toBeNaN();
  });
});
