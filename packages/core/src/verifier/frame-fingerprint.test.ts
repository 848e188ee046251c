// Fingerprints on keypoints moved as a copy's are (scaled, shifted, rolled: the same shape) and
// as a moving head's are (the nose off by a few per cent of the eye distance). The thresholds on
// real photos (re-encoded, noised, resized copies against other photos) are in
// packages/node/src/verifier/recheck.test.ts.
import { describe, expect, it } from 'vitest';
import type { Keypoints5 } from '../model-io/detection-types.js';
import { dot } from '../match/vector.js';
import { createReplayMemory, frameFingerprint, isNearDuplicate, nearDuplicatePairs, shapeShift } from './frame-fingerprint.js';

const FACE: Keypoints5 = [[100, 100], [160, 100], [130, 135], [108, 165], [152, 165]];
/** `kps` scaled by `s` about the origin, rolled by `deg` and shifted by [tx, ty]. */
const moved = (kps: Keypoints5, s: number, deg: number, tx: number, ty: number): Keypoints5 => {
  const a = (deg * Math.PI) / 180, c = Math.cos(a) * s, n = Math.sin(a) * s;
  return kps.map(([x, y]) => [x * c - y * n + tx, x * n + y * c + ty]) as Keypoints5;
};
const unit = (v: number[]) => { const n = Math.hypot(...v); return Float32Array.from(v, (x) => x / n); };
const E = unit([1, 0.2, 0.1, 0]);

describe('frameFingerprint', () => {
  it('does not change when the picture is scaled, shifted or rolled', () => {
    const a = frameFingerprint({ keypoints: FACE, embedding: E });
    const b = frameFingerprint({ keypoints: moved(FACE, 0.5, 12, 40, -7), embedding: E });
    expect(shapeShift(a, b)).toBeLessThan(1e-5);
    expect(isNearDuplicate(a, b)).toBe(true);
    // The eye frame: the nose is 0.58 eye distances below the eyes' midpoint, on the midline.
    expect(a.shape[0]).toBeCloseTo(0, 5);
    expect(a.shape[1]).toBeCloseTo(35 / 60, 5);
  });

  it('tells a moved head (nose 5 % of the eye distance across) and another picture (cosine 0.9) apart', () => {
    const a = frameFingerprint({ keypoints: FACE, embedding: E });
    const turned = FACE.map((p, i) => (i === 2 ? [p[0] + 3, p[1]] : p)) as Keypoints5;
    expect(isNearDuplicate(a, frameFingerprint({ keypoints: turned, embedding: E }))).toBe(false);
    const other = unit([1, 0.2, 0.1, 0.5]);
    expect(dot(E, other)).toBeLessThan(0.95);
    expect(isNearDuplicate(a, frameFingerprint({ keypoints: FACE, embedding: other }))).toBe(false);
    expect(nearDuplicatePairs([a, frameFingerprint({ keypoints: turned, embedding: E }), a])).toEqual([[0, 2]]);
  });

  it('refuses coincident eyes', () => {
    expect(() => frameFingerprint({ keypoints: [[1, 1], [1, 1], [1, 2], [0, 3], [2, 3]], embedding: E })).toThrow(/two distinct eye/);
  });
});

describe('createReplayMemory', () => {
  const fp = (dx: number) => frameFingerprint({ keypoints: FACE.map((p, i) => (i === 2 ? [p[0] + dx, p[1]] : p)) as Keypoints5, embedding: E });

  it('finds a login whose every frame is a frame of one earlier login, in any order; one frame alike is not a replay', () => {
    const m = createReplayMemory();
    m.remember('ann', [fp(0), fp(6)]);
    expect(m.isReplay('ann', [fp(6), fp(0)])).toBe(true);
    expect(m.isReplay('ann', [fp(6)])).toBe(true);
    expect(m.isReplay('ann', [fp(0), fp(3)])).toBe(false);
    expect(m.isReplay('bob', [fp(0)])).toBe(false);
    expect(m.isReplay('ann', [])).toBe(false);
    // Frames from two different earlier logins are not one login seen again.
    m.remember('ann', [fp(12)]);
    expect(m.isReplay('ann', [fp(0), fp(12)])).toBe(false);
  });

  it('is bounded in logins per id and in ids', () => {
    const m = createReplayMemory({ loginsPerId: 2, maxIds: 2 });
    m.remember('ann', [fp(0)]);
    m.remember('ann', [fp(3)]);
    m.remember('ann', [fp(6)]);
    expect([0, 3, 6].map((d) => m.isReplay('ann', [fp(d)]))).toEqual([false, true, true]);
    m.remember('bob', [fp(0)]);
    m.remember('cat', [fp(0)]);
    expect(m.ids).toBe(2);
    expect(m.isReplay('ann', [fp(6)])).toBe(false); // the least recently remembered id went first
    expect(() => createReplayMemory({ loginsPerId: 0 })).toThrow(/positive integers/);
  });
});
