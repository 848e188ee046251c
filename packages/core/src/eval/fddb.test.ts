import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { ellipseToBox, parseFddbEllipses } from './fddb.js';
import { evaluateDetections } from './detection-metrics.js';

describe('FDDB parsing', () => {
  it('boxes an upright ellipse by its radii', () => {
    const b = ellipseToBox(50, 30, Math.PI / 2, 100, 200);
    expect(b[0]).toBeCloseTo(70, 9); expect(b[2]).toBeCloseTo(130, 9);
    expect(b[1]).toBeCloseTo(150, 9); expect(b[3]).toBeCloseTo(250, 9);
  });
  it('parses images, counts and ellipses', () => {
    const text = '2002/08/11/big/img_591\n1\n123.583300 85.549500 1.265839 269.693400 161.781200  1\n2002/08/26/big/img_265\n2\n1 1 0 10 10 1\n2 2 0 20 20 1\n';
    const imgs = parseFddbEllipses(text);
    expect(imgs.map((i) => [i.path, i.faces.length])).toEqual([['2002/08/11/big/img_591', 1], ['2002/08/26/big/img_265', 2]]);
  });
  it('rejects a malformed file', () => {
    expect(() => parseFddbEllipses('a\nx\n')).toThrow(InvalidInputError);
  });
});

describe('evaluateDetections', () => {
  it('counts matches greedily and ranks by score', () => {
    const m = evaluateDetections([
      { truth: [[0, 0, 10, 10], [20, 20, 30, 30]], detections: [
        { box: [0, 0, 10, 10], score: 0.9 }, { box: [0, 0, 10, 10], score: 0.8 }, { box: [20, 20, 30, 31], score: 0.5 }] },
    ], [0, 1]);
    expect(m.positives).toBe(2);
    // ranked: TP(0.9), FP(0.8, duplicate), TP(0.5)
    expect(m.tprAtFp[0]).toBeCloseTo(0.5, 12);
    expect(m.tprAtFp[1]).toBeCloseTo(1, 12);
    expect(m.ap).toBeCloseTo(0.5 * 1 + 0.5 * (2 / 3), 12);
  });
  it('gives zero without detections', () => {
    const m = evaluateDetections([{ truth: [[0, 0, 1, 1]], detections: [] }]);
    expect(m.ap).toBe(0);
    expect(m.tprAtFp[1000]).toBe(0);
  });
});
