import { describe, expect, it } from 'vitest';
import type { Box } from '../geometry/box.js';
import { ARCFACE_TEMPLATE_112 } from '../geometry/similarity-transform.js';
import type { Keypoints5 } from '../model-io/detection-types.js';
import { createCropAnchor, livenessBox } from './crop-anchor.js';

const face = (s: number, dx: number, dy: number): Keypoints5 => ARCFACE_TEMPLATE_112.map(([x, y]) => [x * s + dx, y * s + dy]) as Keypoints5;

describe('createCropAnchor', () => {
  it('averages the box in the keypoints\' frame: two passes drawing the box apart settle in between', () => {
    const kps = face(2, 100, 50);
    const a = createCropAnchor();
    // A full pass and a region pass alternating, their boxes 8 px apart on each side.
    for (let i = 0; i < 40; i++) a.update(i % 2 ? [130, 60, 310, 290] : [122, 52, 302, 282], kps);
    const t = a.template!;
    // In template units (scale 2): the mean of the two, within the exponential mean's ripple.
    expect(t[0]).toBeCloseTo((11 + 15) / 2, 0);
    expect(t[3]).toBeCloseTo((116 + 120) / 2, 0);
  });

  it('refuses an alpha outside (0, 1]', () => {
    expect(() => createCropAnchor({ alpha: 0 })).toThrow(/alpha/);
  });
});

describe('livenessBox', () => {
  const kps = face(2, 100, 50);
  const detected = { box: [120, 60, 300, 290] as Box, keypoints: kps };
  it('uses the claiming anchor\'s template placed by the face\'s keypoints, else the detected box', () => {
    expect(livenessBox(detected)).toEqual(detected.box);
    // The steady box is far from where the keypoints place the template: the face moved.
    const anchor = { box: [118, 58, 302, 292] as Box, template: [0, 0, 112, 112] as Box, steady: [60, 50, 284, 274] as Box };
    expect(livenessBox(detected, [anchor])).toEqual([100, 50, 324, 274]);
    // An anchor elsewhere in the frame (another track) does not claim it.
    expect(livenessBox(detected, [{ ...anchor, box: [400, 60, 580, 290] }])).toEqual(detected.box);
  });

  it('a face keeping still (placed within 5 % of the box width of the steady box) gets the steady box itself', () => {
    const steady: Box = [104, 46, 328, 270]; // 4 px off the placed [100, 50, 324, 274]; the band is 11.2 px
    expect(livenessBox(detected, [{ box: detected.box, template: [0, 0, 112, 112], steady }])).toBe(steady);
  });

  it('over a still track, the steady box settles where the jittered placements average', () => {
    const a = createCropAnchor();
    for (let i = 0; i < 30; i++) a.update([120, 60, 300, 290], face(2, 100 + (i % 2 ? 2 : -2), 50));
    const s = a.steady!, t = a.template!;
    // Placed by the mean keypoints (x offset 100).
    const mid = [100 + 2 * t[0], 50 + 2 * t[1]];
    expect(Math.abs(s[0] - mid[0]!)).toBeLessThan(0.5);
    expect(Math.abs(s[1] - mid[1]!)).toBeLessThan(0.5);
  });
});
