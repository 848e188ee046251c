import { describe, expect, it } from 'vitest';
import { median, percentile } from './stats.js';

describe('median and percentile', () => {
  it('median: middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
  it('percentile: nearest rank, a measured value', () => {
    const xs = Array.from({ length: 20 }, (_, i) => 20 - i); // 1..20, unsorted
    expect(percentile(xs, 95)).toBe(19);
    expect(percentile(xs, 100)).toBe(20);
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});
