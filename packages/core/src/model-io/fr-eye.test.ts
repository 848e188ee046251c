// Eye-state preprocessing: the rotated eye crop, its supersampling, grey conversion and decoding.
import { describe, expect, it } from 'vitest';
import type { Point } from '../geometry/box.js';
import { applyAffine } from '../geometry/similarity-transform.js';
import type { Keypoints5 } from './detection-types.js';
import { eyeCropAffine, eyeCrops, eyeOpenLogit, eyesOpenScore } from './fr-eye.js';
import { sigmoid } from '../util/log-odds.js';

const face = (l: Point, r: Point): Keypoints5 => [l, r, [0, 0], [0, 0], [0, 0]];
const close = (p: Point, q: Point, digits = 9) => { expect(p[0]).toBeCloseTo(q[0], digits); expect(p[1]).toBeCloseTo(q[1], digits); };

describe('eyeCropAffine', () => {
  it('puts the eye at the crop centre and side/2 along the eye line at the right edge', () => {
    const angle = Math.PI / 6;
    const m = eyeCropAffine([300, 200], angle, 60, 24);
    close(applyAffine(m, [300, 200]), [11.5, 11.5]);
    // 30 px along the eye line: half the side → half the crop to the right of the centre.
    close(applyAffine(m, [300 + 30 * Math.cos(angle), 200 + 30 * Math.sin(angle)]), [23.5, 11.5]);
    // 30 px perpendicular (image "down" for an upright face) → half the crop down.
    close(applyAffine(m, [300 - 30 * Math.sin(angle), 200 + 30 * Math.cos(angle)]), [11.5, 23.5]);
  });
});

describe('eyeCrops', () => {
  it('sizes the crop from the inter-ocular distance and supersamples crops wider than the output', () => {
    const [l, r] = eyeCrops(face([100, 100], [200, 100]), 24, 0.6);
    const side = 0.6 * 100;
    const k = Math.ceil(side / 24);
    expect(l.supersample).toBe(k);
    expect(r.supersample).toBe(k);
    const c = (24 * k - 1) / 2;
    close(applyAffine(l.matrix, [100, 100]), [c, c]);
    close(applyAffine(r.matrix, [200, 100]), [c, c]);
    // The crop spans `side` source pixels across 24·k samples.
    close(applyAffine(l.matrix, [100 + side / 2, 100]), [c + 12 * k, c]);
  });

  it('samples a small face at the output size, as the package does', () => {
    const [l] = eyeCrops(face([10, 10], [40, 10]), 24, 0.6);
    expect(l.supersample).toBe(1);
  });

  it('turns with a tilted head: the other eye lies on the crop\'s horizontal axis', () => {
    const kp = face([100, 100], [100 + 80 * Math.cos(0.5), 100 + 80 * Math.sin(0.5)]);
    const [l, r] = eyeCrops(kp, 24, 0.7);
    const c = (24 * l.supersample - 1) / 2;
    expect(applyAffine(l.matrix, kp[1])[1]).toBeCloseTo(c, 9);
    expect(applyAffine(r.matrix, kp[0])[1]).toBeCloseTo(c, 9);
    expect(applyAffine(l.matrix, kp[1])[0]).toBeGreaterThan(c);
  });
});

describe('eyeOpenLogit and eyesOpenScore', () => {
  it('the log-odds of output index 1 against index 0 (its sigmoid is the softmax of index 1)', () => {
    expect(sigmoid(eyeOpenLogit([0, Math.log(3)]))).toBeCloseTo(0.75, 12);
    expect(eyeOpenLogit([5, -5])).toBe(-10);
  });
  it('the two eyes combine by their mean log-odds: a wink or one misread eye is not shut eyes', () => {
    expect(eyesOpenScore({ left: 0.75, right: 0.75 })).toBeCloseTo(0.75, 9);
    expect(eyesOpenScore({ left: 0.01, right: 0.99 })).toBeCloseTo(0.5, 9);
    expect(eyesOpenScore({ left: 0.001, right: 0.001 })).toBeCloseTo(0.001, 9);
    expect(eyesOpenScore({ left: 0, right: 1 })).toBeCloseTo(0.5, 6);
    expect(eyesOpenScore({ left: 0, right: 0 })).toBeLessThan(1e-8);
  });
});
