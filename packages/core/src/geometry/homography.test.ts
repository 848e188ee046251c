import { describe, expect, it } from 'vitest';
import type { Point } from './box.js';
import { applyHomography, homographyFrom4, type Homography } from './homography.js';

describe('homographyFrom4', () => {
  it('recovers a projective map from four pairs and predicts any other point of the plane', () => {
    const h: Homography = [1.1, 0.2, 30, -0.1, 0.9, 12, 0.0008, -0.0005, 1];
    const src: Point[] = [[10, 10], [200, 20], [30, 180], [190, 210]];
    const fit = homographyFrom4(src, src.map((p) => applyHomography(h, p)))!;
    for (const p of [[100, 100], [0, 0], [250, 40]] as Point[]) {
      const [a, b] = applyHomography(fit, p), [c, d] = applyHomography(h, p);
      expect(a).toBeCloseTo(c, 6);
      expect(b).toBeCloseTo(d, 6);
    }
  });
  it('is undefined for degenerate points (three on a line)', () => {
    const src: Point[] = [[0, 0], [1, 1], [2, 2], [0, 5]];
    expect(homographyFrom4(src, src)).toBeUndefined();
  });
});
