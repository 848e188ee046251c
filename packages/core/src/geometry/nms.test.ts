import { describe, expect, it } from 'vitest';
import { iou, type Box } from './box.js';
import { nms } from './nms.js';

describe('iou', () => {
  it('is 1 for identical, 0 for disjoint, 1/7 for half-overlapping squares', () => {
    expect(iou([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
    expect(iou([0, 0, 10, 10], [20, 20, 30, 30])).toBe(0);
    expect(iou([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(50 / 150, 12);
  });
});

describe('nms', () => {
  const boxes: Box[] = [[0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60], [0, 0, 10, 10.5]];
  it('keeps the best of each overlapping group, best first', () => {
    expect(nms(boxes, [0.8, 0.9, 0.7, 0.6], 0.4)).toEqual([1, 2]);
  });
  it('honours the limit', () => {
    expect(nms(boxes, [0.8, 0.9, 0.7, 0.6], 0.4, 1)).toEqual([1]);
  });
  it('keeps everything when nothing overlaps enough', () => {
    expect(nms(boxes, [0.8, 0.9, 0.7, 0.6], 0.99).length).toBe(4);
  });
});
