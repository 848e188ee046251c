import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../errors.js';
import type { Box } from '../geometry/box.js';
import type { Keypoints5 } from '../model-io/detection-types.js';
import { assessQuality, faceSizeForGate, DEFAULT_QUALITY_THRESHOLDS, QUALITY_CODE_ORDER, resolveQualityThresholds, withQualityCode, mainFaceIndex, type FaceQualityInput } from './quality-gate.js';

const FRAME = { width: 640, height: 480 };

/** A frontal face whose eyes are `iod` px apart, centred at (cx, cy); box 2.5·iod square. */
function face(cx: number, cy: number, iod = 80, extra: Partial<FaceQualityInput> = {}): FaceQualityInput {
  const s = 2.5 * iod;
  const box: Box = [cx - s / 2, cy - s / 2, cx + s / 2, cy + s / 2];
  const keypoints: Keypoints5 = [
    [cx - iod / 2, cy - 0.1 * s], [cx + iod / 2, cy - 0.1 * s], [cx, cy + 0.08 * s], [cx - 0.4 * iod, cy + 0.25 * s], [cx + 0.4 * iod, cy + 0.25 * s],
  ];
  return { box, keypoints, ...extra };
}

const GOOD = { sharpness: 500, luma: { mean: 120, darkFraction: 0.01, brightFraction: 0.001 }, eyesOpen: 0.95, pose: { yaw: 3, pitch: -4, roll: 2 } };

describe('assessQuality', () => {
  it('passes a good, centred, frontal face and reports its measures', () => {
    const r = assessQuality([face(320, 240, 80, GOOD)], FRAME);
    expect(r).toMatchObject({ ok: true, codes: [], main: 0, background: [] });
    expect(r.measures!.interocular).toBeCloseTo(80, 9);
    expect(r.measures!.faceFraction).toBeCloseTo(200 / 480, 9);
    expect(r.measures!.pose).toEqual(GOOD.pose);
    expect(r.measures!.sharpness).toBe(500);
    expect(r.measures!.eyesOpen).toBe(0.95);
  });

  it('reports no-face for an empty frame', () => {
    expect(assessQuality([], FRAME)).toEqual({ ok: false, codes: ['no-face'], main: -1, background: [] });
  });

  it('estimates the pose from the keypoints when none is given, and skips unknown measures', () => {
    const r = assessQuality([face(320, 240)], FRAME);
    expect(r.ok).toBe(true);
    expect(Math.abs(r.measures!.pose.roll)).toBeLessThan(1e-9);
    expect(r.measures!.sharpness).toBeUndefined();
    expect(r.measures!.luma).toBeUndefined();
  });

  it('picks the face with the largest inter-ocular distance; a comparable second face blocks, a small one does not', () => {
    const main = face(300, 240, 80, GOOD);
    const beside = face(420, 240, 50); // 50 ≥ 0.6·80, 100 px from the centre: beside the user
    const far = face(100, 100, 40); // 40 < 48
    const t = { multipleFaceRatio: 0.6, bystanderDistance: 2 };
    const r = assessQuality([far, main, beside], FRAME, t);
    expect(r.main).toBe(1);
    expect(r.codes).toEqual(['multiple-faces']);
    expect(r.background).toEqual([0]);
    const r2 = assessQuality([far, main], FRAME, t);
    expect(r2).toMatchObject({ ok: true, main: 1, background: [0] });
    // The defaults: beside the user (within one inter-ocular distance farther from the centre) blocks.
    expect(assessQuality([main, face(380, 240, 75)], FRAME).codes).toEqual(['multiple-faces']);
    expect(assessQuality([main, face(380, 240, 50)], FRAME).codes).toEqual(['multiple-faces']);
    // 100 px from the centre is 80 farther than the user: one inter-ocular distance, a bystander.
    expect(assessQuality([main, beside], FRAME).ok).toBe(true);
    expect(assessQuality([far, main, beside], FRAME, { multipleFaceRatio: Infinity })).toMatchObject({ ok: true, background: [0, 2] });
  });

  it('of two faces nearly the same size, the one nearer the centre is the main face', () => {
    const centred = face(330, 240, 80, GOOD), edge = face(560, 240, 82, GOOD);
    expect(mainFaceIndex([edge, centred])).toBe(0);
    expect(mainFaceIndex([edge, centred], FRAME)).toBe(1);
    expect(assessQuality([edge, centred], FRAME)).toMatchObject({ ok: true, main: 1, background: [0] });
    // Clearly larger (80 < 0.9 · 100) wins wherever it is.
    expect(mainFaceIndex([face(560, 240, 100), centred], FRAME)).toBe(0);
  });

  it('a large face at the edge, two inter-ocular distances farther from the centre than the user, is a bystander', () => {
    const main = face(300, 240, 80, GOOD); // 20 px from the centre
    const edge = face(490, 240, 70); // 170 px: 150 farther, under 2·80
    const further = face(520, 250, 70); // 200 px: 180 farther
    const t = { multipleFaceRatio: 0.6, bystanderDistance: 2 };
    expect(assessQuality([main, edge], FRAME, t).codes).toEqual(['multiple-faces']);
    expect(assessQuality([main, further], FRAME, t)).toMatchObject({ ok: true, background: [1] });
    expect(assessQuality([main, further], FRAME, { ...t, bystanderDistance: 0 }).codes).toEqual(['multiple-faces']);
    // The default, one inter-ocular distance: 60 px farther blocks, 100 px farther does not.
    expect(assessQuality([main, face(380, 240, 78)], FRAME).codes).toEqual(['multiple-faces']);
    expect(assessQuality([main, face(420, 240, 78)], FRAME).ok).toBe(true);
  });

  it('flags too-small below 40 px between the eyes, and too-close above 0.8 of the frame height', () => {
    expect(assessQuality([face(320, 240, 39, GOOD)], FRAME).codes).toEqual(['too-small']);
    expect(assessQuality([face(320, 240, 40, GOOD)], FRAME).ok).toBe(true);
    // A head turned 50°: its eyes 64 · cos 50° = 41 px apart in the picture, eyes to mouth 1.15 · 64 px as frontal.
    const turned = (iod: number): FaceQualityInput => {
      const f = face(320, 240, iod, { ...GOOD, pose: { yaw: 40, pitch: 0, roll: 0 } });
      const squeeze = Math.cos((50 * Math.PI) / 180);
      f.keypoints = [[320 - (iod / 2) * squeeze, 200], [320 + (iod / 2) * squeeze, 200], [330, 230], [320 - 0.3 * iod * squeeze, 200 + 1.15 * iod], [320 + 0.3 * iod * squeeze, 200 + 1.15 * iod]];
      return f;
    };
    expect(faceSizeForGate(turned(64).keypoints)).toBeCloseTo(64, 9);
    expect(assessQuality([turned(64)], FRAME).ok).toBe(true);
    expect(assessQuality([turned(34)], FRAME).codes).toEqual(['too-small']);
    // 160 px eyes → 400 px box of a 480 px frame (0.83): too close, and inside the frame still.
    expect(assessQuality([face(320, 240, 160, GOOD)], FRAME).codes).toEqual(['too-close']);
  });

  it('flags off-center when the box leaves the frame or its centre leaves the central region', () => {
    expect(assessQuality([face(80, 240, 60, GOOD)], FRAME, { centerRegion: 0.6 }).codes).toEqual(['off-center']); // box x1 = 5 inside; centre 240 px from the middle > 192
    expect(assessQuality([face(80, 240, 60, GOOD)], FRAME).ok).toBe(true); // default 0.8: 240 ≤ 256
    expect(assessQuality([face(320, 410, 60, GOOD)], FRAME).codes).toEqual(['off-center']); // box cut by the bottom edge (y2 = 485)
    expect(assessQuality([face(140, 240, 60, GOOD)], FRAME, { centerRegion: 0.6 }).ok).toBe(true); // 180 px from the middle
    expect(assessQuality([face(320, 60, 60, GOOD)], FRAME).codes).toEqual(['off-center']); // box cut by the top edge
    expect(assessQuality([face(140, 240, 60, GOOD)], FRAME, { edgeMargin: 0.1 }).ok).toBe(true); // x1 = 65 ≥ 64
    expect(assessQuality([face(140, 240, 60, GOOD)], FRAME, { edgeMargin: 0.11 }).codes).toEqual(['off-center']); // x1 = 65 < 70.4
  });

  it('flags turned beyond 50° of yaw or 35° of pitch', () => {
    const turned = (yaw: number, pitch: number) => assessQuality([face(320, 240, 80, { ...GOOD, pose: { yaw, pitch, roll: 0 } })], FRAME).codes;
    expect(turned(51, 0)).toEqual(['turned']);
    expect(turned(-51, 0)).toEqual(['turned']);
    expect(turned(0, 36)).toEqual(['turned']);
    expect(turned(50, -35)).toEqual([]);
  });

  it('flags exposure from the mean and the clipped fractions', () => {
    const luma = (mean: number, darkFraction = 0, brightFraction = 0) =>
      assessQuality([face(320, 240, 80, { ...GOOD, luma: { mean, darkFraction, brightFraction } })], FRAME).codes;
    expect(luma(39)).toEqual(['too-dark']);
    expect(luma(40)).toEqual([]);
    expect(luma(216)).toEqual(['too-bright']);
    expect(luma(120, 0.3)).toEqual(['too-dark']);
    expect(luma(120, 0, 0.06)).toEqual(['too-bright']);
  });

  it('flags blurry below minSharpness and eyes-closed below minEyesOpen (0 turns it off)', () => {
    expect(assessQuality([face(320, 240, 80, { ...GOOD, sharpness: DEFAULT_QUALITY_THRESHOLDS.minSharpness - 1 })], FRAME).codes).toEqual(['blurry']);
    expect(assessQuality([face(320, 240, 80, { ...GOOD, sharpness: 10 })], FRAME, { minSharpness: 5 }).ok).toBe(true);
    expect(assessQuality([face(320, 240, 80, { ...GOOD, eyesOpen: 0.000005 })], FRAME).codes).toEqual(['eyes-closed']);
    // Narrow or lowered eyes read low but not shut: they pass.
    expect(assessQuality([face(320, 240, 80, { ...GOOD, eyesOpen: 0.05 })], FRAME).ok).toBe(true);
    expect(assessQuality([face(320, 240, 80, { ...GOOD, eyesOpen: 0 })], FRAME, { minEyesOpen: 0 }).ok).toBe(true);
  });

  it('reports every failure, in the fixed priority order', () => {
    const bad = face(590, 240, 35, { sharpness: 1, luma: { mean: 10, darkFraction: 0.9, brightFraction: 0 }, eyesOpen: 0.000001, pose: { yaw: 70, pitch: 0, roll: 0 } });
    const r = assessQuality([bad, face(40, 60, 34)], FRAME, { bystanderDistance: 0 });
    expect(r.codes).toEqual(['multiple-faces', 'too-small', 'off-center', 'turned', 'too-dark', 'blurry', 'eyes-closed']);
    expect(r.codes).toEqual(QUALITY_CODE_ORDER.filter((c) => r.codes.includes(c)));
    expect(r.ok).toBe(false);
  });
});

describe('withQualityCode', () => {
  it('adds a code in priority order and fails the report; a code already there changes nothing', () => {
    const r = assessQuality([face(320, 240, 80, { ...GOOD, sharpness: 1 })], FRAME);
    const closed = withQualityCode(r, 'eyes-closed');
    expect(closed.codes).toEqual(['blurry', 'eyes-closed']);
    expect(withQualityCode(assessQuality([face(320, 240, 80, GOOD)], FRAME), 'eyes-closed')).toMatchObject({ ok: false, codes: ['eyes-closed'] });
    expect(withQualityCode(closed, 'eyes-closed')).toBe(closed);
  });
});

describe('resolveQualityThresholds', () => {
  it('fills in the defaults and keeps overrides', () => {
    expect(resolveQualityThresholds()).toEqual(DEFAULT_QUALITY_THRESHOLDS);
    expect(resolveQualityThresholds({ maxYaw: 15, minSharpness: undefined })).toEqual({ ...DEFAULT_QUALITY_THRESHOLDS, maxYaw: 15 });
  });

  it.each([
    [{ minInterocular: -1 }, /minInterocular/],
    [{ maxFaceFraction: 0 }, /maxFaceFraction/],
    [{ centerRegion: 1.5 }, /centerRegion/],
    [{ edgeMargin: 0.5 }, /edgeMargin/],
    [{ minMeanLuma: 200, maxMeanLuma: 100 }, /minMeanLuma \(200\) must not exceed maxMeanLuma/],
    [{ maxDarkFraction: 2 }, /maxDarkFraction/],
    [{ maxYaw: Number.NaN }, /maxYaw must be a number/],
    [{ minEyesOpen: 1.2 }, /minEyesOpen/],
    [{ multipleFaceRatio: 0 }, /multipleFaceRatio/],
    [{ bystanderDistance: -1 }, /bystanderDistance/],
    [{ minSharpnes: 5 } as unknown as Partial<typeof DEFAULT_QUALITY_THRESHOLDS>, /Unknown quality threshold "minSharpnes"/],
  ])('rejects %o', (partial, message) => {
    expect(() => resolveQualityThresholds(partial)).toThrow(InvalidOptionError);
    expect(() => resolveQualityThresholds(partial)).toThrow(message);
  });
});
