import { describe, expect, it } from 'vitest';
import { applyAffine, arcfaceAlignment, ARCFACE_TEMPLATE_112 } from '../geometry/similarity-transform.js';
import type { Keypoints5 } from '../model-io/detection-types.js';
import { alignedSquareAffine, faceSquare, insightfaceCropAffine, scaleSquare, squareAffine } from './face-crops.js';

describe('face crops', () => {
  it('the face square is centred on the box with its longer edge', () => {
    expect(faceSquare([10, 20, 90, 140])).toEqual({ cx: 50, cy: 80, side: 120 });
    expect(scaleSquare({ cx: 5, cy: 6, side: 10 }, 1.5)).toEqual({ cx: 5, cy: 6, side: 15 });
  });

  it('squareAffine spreads output pixel centres over the square as cv.resize does', () => {
    const m = squareAffine({ cx: 50, cy: 50, side: 100 }, 10);
    // Output pixel 0's centre samples source 0 + 0.5·10 − 0.5 = 4.5; pixel 9's 94.5.
    expect(applyAffine(m, [4.5, 94.5])).toEqual([expect.closeTo(0, 9), expect.closeTo(9, 9)]);
  });

  it('the InsightFace crop puts the box centre in the middle at 1.5× the longer edge', () => {
    const m = insightfaceCropAffine([0, 0, 64, 128], 96);
    expect(applyAffine(m, [32, 64])).toEqual([48, 48]);
    expect(m[0]).toBeCloseTo(96 / (1.5 * 128), 12);
  });

  it('the aligned square maps the ArcFace template into its centre, supersampled on large faces', () => {
    const kps = ARCFACE_TEMPLATE_112.map(([x, y]) => [x * 4 + 100, y * 4 + 50]) as unknown as Keypoints5;
    const { matrix, supersample } = alignedSquareAffine(kps, 1.5, 64);
    // 168 template px = 672 source px → 64·k with k = ceil(672 / 64) = 11.
    expect(supersample).toBe(11);
    const n = 64 * 11;
    const centre = applyAffine(matrix, [56 * 4 + 100, 56 * 4 + 50]);
    expect(centre[0]).toBeCloseTo(n / 2, 6);
    expect(centre[1]).toBeCloseTo(n / 2, 6);
    expect(arcfaceAlignment(kps, 112)[0]).toBeCloseTo(0.25, 6);
  });
});
