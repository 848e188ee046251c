// The attribute decoders on hand-made outputs: each formula, and each format's errors.
import { describe, expect, it } from 'vitest';
import { applyAffine } from '../geometry/similarity-transform.js';
import { insightfaceCropAffine } from '../attributes/face-crops.js';
import type { Keypoints5 } from './detection-types.js';
import { decodeExpression, EXPRESSIONS } from './expression.js';
import { decodeGenderAge } from './genderage.js';
import { HOPENET_BINS, hopenetAngle } from './hopenet.js';
import { decodeLandmark106, decodeLandmark68, keypointAgreement, keypointsFrom68 } from './landmarks.js';
import { decodeSsrNet, SSR_NET_OUTPUTS } from './ssr-net.js';

function ssrOutputs(p: number[][], delta: number[], eta: number[][]): Map<string, Float32Array> {
  const m = new Map<string, Float32Array>();
  for (let k = 0; k < 3; k++) {
    m.set(SSR_NET_OUTPUTS.p[k]!, Float32Array.from(p[k]!));
    m.set(SSR_NET_OUTPUTS.delta[k]!, Float32Array.from([delta[k]!]));
    m.set(SSR_NET_OUTPUTS.eta[k]!, Float32Array.from(eta[k]!));
  }
  return m;
}

describe('decodeSsrNet', () => {
  const zero = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  it('is V · Σ_k Σ_i p·(i + η) / Π (3(1 + Δ))', () => {
    // Stage 1 all on bin 2, the others on bin 0: 2/3 of the range.
    expect(decodeSsrNet(ssrOutputs([[0, 0, 1], [1, 0, 0], [1, 0, 0]], [0, 0, 0], zero), 101)).toBeCloseTo(101 * 2 / 3, 4);
    // Stage 2's bin 1 adds 1/9, stage 3's bin 2 adds 2/27.
    expect(decodeSsrNet(ssrOutputs([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0, 0, 0], zero), 1)).toBeCloseTo(1 / 9 + 2 / 27, 5);
    // Δ widens stage 1: bin 2 / (3 · 2); η shifts the index.
    expect(decodeSsrNet(ssrOutputs([[0, 0, 1], [1, 0, 0], [1, 0, 0]], [1, 0, 0], [[0, 0, 0.5], [0, 0, 0], [0, 0, 0]]), 1)).toBeCloseTo(2.5 / 6, 5);
  });
  it('names a missing output', () => {
    const m = ssrOutputs([[1, 0, 0], [1, 0, 0], [1, 0, 0]], [0, 0, 0], zero);
    m.delete('stage2_delta_k');
    expect(() => decodeSsrNet(m, 1)).toThrow(/stage2_delta_k/);
  });
});

describe('hopenetAngle', () => {
  it('is the softmax expectation of the bin index · 3 − 99', () => {
    const one = (i: number) => Array.from({ length: HOPENET_BINS }, (_, j) => (j === i ? 50 : 0));
    expect(hopenetAngle(one(33))).toBeCloseTo(0, 6);
    expect(hopenetAngle(one(0))).toBeCloseTo(-99, 6);
    const two = Array.from({ length: HOPENET_BINS }, (_, j) => (j === 40 || j === 42 ? 50 : 0));
    expect(hopenetAngle(two)).toBeCloseTo(41 * 3 - 99, 6);
    expect(() => hopenetAngle([1, 2, 3])).toThrow(/66/);
  });
});

describe('decodeExpression', () => {
  it('returns the top class, its probability and all seven', () => {
    const r = decodeExpression([0, 0, 0, Math.log(4), 0, 0, 0]);
    expect(r.label).toBe('happy');
    expect(r.probability).toBeCloseTo(0.4, 9);
    expect(Object.keys(r.probabilities)).toEqual([...EXPRESSIONS]);
    expect(Object.values(r.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(() => decodeExpression([1, 2])).toThrow(/7/);
  });
});

describe('decodeGenderAge (InsightFace genderage format)', () => {
  it('softmax of the first two for male, the third × 100 for age', () => {
    const r = decodeGenderAge([0, Math.log(3), 0.31]);
    expect(r.male).toBeCloseTo(0.75, 9);
    expect(r.age).toBeCloseTo(31, 5);
  });
});

describe('landmark decoders', () => {
  it('68: (x, y) in 0–1 of the face square → source pixels', () => {
    const out = new Float32Array(136);
    out[0] = 0; out[1] = 0; out[2] = 1; out[3] = 0.5;
    const pts = decodeLandmark68(out, { cx: 150, cy: 250, side: 100 });
    expect(pts[0]).toEqual([100, 200]);
    expect(pts[1]).toEqual([200, 250]);
    expect(pts).toHaveLength(68);
  });

  it('106: (v + 1) · size / 2 in the crop, back through the crop map', () => {
    const box = [100, 100, 180, 200] as [number, number, number, number];
    const m = insightfaceCropAffine(box, 192);
    // The box centre lands on the crop centre (96, 96), which is output value 0.
    expect(applyAffine(m, [140, 150])).toEqual([expect.closeTo(96, 9), expect.closeTo(96, 9)]);
    const pts = decodeLandmark106(new Float32Array(212), m, 192);
    expect(pts[0]![0]).toBeCloseTo(140, 6);
    expect(pts[0]![1]).toBeCloseTo(150, 6);
    expect(() => decodeLandmark106(new Float32Array(10), m, 192)).toThrow(/212/);
  });

  it('68 → 5 keypoints: eye centres, nose tip, mouth corners; agreement in inter-ocular distances', () => {
    const pts = Array.from({ length: 68 }, () => [0, 0] as [number, number]);
    for (let i = 36; i < 42; i++) pts[i] = [100 + (i % 2), 100];
    for (let i = 42; i < 48; i++) pts[i] = [160 + (i % 2), 100];
    pts[30] = [130, 130]; pts[48] = [110, 160]; pts[54] = [150, 160];
    const k = keypointsFrom68(pts);
    expect(k).toEqual([[100.5, 100], [160.5, 100], [130, 130], [110, 160], [150, 160]]);
    const det: Keypoints5 = [[100.5, 100], [160.5, 100], [130, 136], [110, 160], [150, 160]];
    expect(keypointAgreement(k, det)).toBeCloseTo(6 / 5 / 60, 9);
  });
});
