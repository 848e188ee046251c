import { describe, expect, it } from 'vitest';
import { InvalidInputError, InvalidOptionError } from '../errors.js';
import type { Point } from './box.js';
import {
  ARCFACE_TEMPLATE_112,
  type Affine2x3,
  applyAffine,
  arcfaceAlignment,
  estimateSimilarity,
  invertAffine,
} from './similarity-transform.js';

function similarity(angle: number, scale: number, tx: number, ty: number): Affine2x3 {
  const c = Math.cos(angle) * scale, s = Math.sin(angle) * scale;
  return [c, -s, tx, s, c, ty];
}

function expectAffine(actual: Affine2x3, expected: readonly number[], tol: number): void {
  expected.forEach((v, i) => expect(Math.abs(actual[i]! - v), `coefficient ${i}`).toBeLessThanOrEqual(tol));
}

/** Deterministic pseudo-random numbers in [-1, 1) (mulberry32). */
function rng(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return (((r ^ (r >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

type M2 = [number, number, number, number]; // row-major 2×2

/** A = U·diag(S)·Vh, by the eigenvectors of AᵀA (columns of V), then U's columns as A·v / σ. */
function svd2(A: M2): { U: M2; S: [number, number]; Vh: M2 } {
  const [p, q, r, s] = A;
  const e = p * p + r * r, f = p * q + r * s, g = q * q + s * s;
  const phi = 0.5 * Math.atan2(2 * f, e - g);
  const vs: [number, number][] = [[Math.cos(phi), Math.sin(phi)], [-Math.sin(phi), Math.cos(phi)]];
  const cols = vs.map(([vx, vy]) => {
    const ux = p * vx + q * vy, uy = r * vx + s * vy;
    const sigma = Math.hypot(ux, uy);
    return { v: [vx, vy], u: [ux / sigma, uy / sigma], sigma };
  });
  cols.sort((x, y) => y.sigma - x.sigma);
  const [c1, c2] = [cols[0]!, cols[1]!];
  return {
    U: [c1.u[0]!, c2.u[0]!, c1.u[1]!, c2.u[1]!],
    S: [c1.sigma, c2.sigma],
    Vh: [c1.v[0]!, c1.v[1]!, c2.v[0]!, c2.v[1]!],
  };
}

/** skimage's `_umeyama` (estimate_scale=True), line for line, for full-rank covariance. */
function umeyamaReference(src: readonly Point[], dst: readonly Point[]): Affine2x3 {
  const n = src.length;
  const mean = (pts: readonly Point[]): Point => [
    pts.reduce((a, p) => a + p[0], 0) / n,
    pts.reduce((a, p) => a + p[1], 0) / n,
  ];
  const ms = mean(src), md = mean(dst);
  const sd = src.map((p): Point => [p[0] - ms[0], p[1] - ms[1]]);
  const dd = dst.map((p): Point => [p[0] - md[0], p[1] - md[1]]);
  // A = dst_demeanᵀ · src_demean / n
  const A: M2 = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    A[0] += dd[i]![0] * sd[i]![0] / n;
    A[1] += dd[i]![0] * sd[i]![1] / n;
    A[2] += dd[i]![1] * sd[i]![0] / n;
    A[3] += dd[i]![1] * sd[i]![1] / n;
  }
  const d: [number, number] = [1, A[0] * A[3] - A[1] * A[2] < 0 ? -1 : 1];
  const { U, S, Vh } = svd2(A);
  // T = U · diag(d) · Vh
  const T: M2 = [
    U[0] * d[0] * Vh[0] + U[1] * d[1] * Vh[2],
    U[0] * d[0] * Vh[1] + U[1] * d[1] * Vh[3],
    U[2] * d[0] * Vh[0] + U[3] * d[1] * Vh[2],
    U[2] * d[0] * Vh[1] + U[3] * d[1] * Vh[3],
  ];
  const varSrc = sd.reduce((a, p) => a + p[0] * p[0] + p[1] * p[1], 0) / n;
  const scale = (S[0] * d[0] + S[1] * d[1]) / varSrc;
  const tx = md[0] - scale * (T[0] * ms[0] + T[1] * ms[1]);
  const ty = md[1] - scale * (T[2] * ms[0] + T[3] * ms[1]);
  return [scale * T[0], scale * T[1], tx, scale * T[2], scale * T[3], ty];
}

// Keypoints of a face somewhere in a photo, and their skimage/numpy `estimate_norm` results.
const KPS: Point[] = [[301.2, 210.7], [362.9, 219.4], [330.1, 251.3], [300.4, 280.8], [353.6, 288.2]];
const NUMPY_112 = [0.5690626476674372, 0.05984859375910765, -146.5265875043716, -0.05984859375910766, 0.5690626476674372, -50.68191648192045];
const NUMPY_224 = [1.1381252953348744, 0.1196971875182153, -293.0531750087432, -0.11969718751821531, 1.1381252953348744, -101.3638329638409];
const NUMPY_256 = [1.1381252953348744, 0.1196971875182153, -277.0531750087432, -0.11969718751821531, 1.1381252953348744, -101.3638329638409];

describe('estimateSimilarity', () => {
  const cases: [number, number, number, number][] = [
    [0, 1, 0, 0],
    [0.3, 2.5, -40, 17],
    [-1.2, 0.4, 300, -80],
    [Math.PI, 1.7, 12.5, 99],
    [2.9, 0.05, -1e3, 2e3],
    [-Math.PI / 2, 3, 0.25, -0.75],
  ];
  it.each(cases)('recovers rotation %f, scale %f, translation (%f, %f) from the template', (angle, scale, tx, ty) => {
    const m = similarity(angle, scale, tx, ty);
    const dst = ARCFACE_TEMPLATE_112.map((p) => applyAffine(m, p));
    expectAffine(estimateSimilarity(ARCFACE_TEMPLATE_112, dst), m, 1e-6);
  });

  it('equals an SVD Umeyama on noisy points', () => {
    const rand = rng(7);
    for (let trial = 0; trial < 50; trial++) {
      const m = similarity(rand() * Math.PI, 0.2 + 2 * Math.abs(rand()), rand() * 500, rand() * 500);
      const src = ARCFACE_TEMPLATE_112.map((p): Point => [p[0] * 3 + rand() * 50, p[1] * 3 + rand() * 50]);
      const dst = src.map((p): Point => {
        const q = applyAffine(m, p);
        return [q[0] + rand() * 8, q[1] + rand() * 8];
      });
      const expected = umeyamaReference(src, dst);
      const actual = estimateSimilarity(src, dst);
      expectAffine(actual, expected, 1e-9 * Math.max(1, ...expected.map(Math.abs)));
    }
  });

  it('equals skimage on a real keypoint set', () => {
    expectAffine(estimateSimilarity(KPS, ARCFACE_TEMPLATE_112), NUMPY_112, 1e-9);
  });

  it('never reflects, even for mirrored input', () => {
    const mirrored = KPS.map((p): Point => [-p[0], p[1]]);
    const m = estimateSimilarity(mirrored, ARCFACE_TEMPLATE_112);
    expect(m[0] * m[4] - m[1] * m[3]).toBeGreaterThan(0);
    expect(m[0]).toBeCloseTo(m[4], 12);
    expect(m[1]).toBeCloseTo(-m[3], 12);
    expectAffine(m, umeyamaReference(mirrored, ARCFACE_TEMPLATE_112), 1e-9);
    // numpy/skimage on the same input.
    expectAffine(m, [0.11680010370722962, 0.0074207380457380805, 92.672368015573, -0.007420738045738084, 0.11680010370722964, 40.24523797549891], 1e-9);
  });

  it('fits two points exactly', () => {
    const m = estimateSimilarity([[0, 0], [1, 0]], [[5, 5], [5, 7]]);
    expectAffine(m, [0, -2, 5, 2, 0, 5], 1e-12);
  });

  it('refuses too few, mismatched or coincident points', () => {
    expect(() => estimateSimilarity([[1, 2]], [[3, 4]])).toThrow(InvalidInputError);
    expect(() => estimateSimilarity([[1, 2], [3, 4]], [[3, 4]])).toThrow(InvalidInputError);
    expect(() => estimateSimilarity([[0.1, 0.7], [0.1, 0.7], [0.1, 0.7]], [[0, 0], [1, 0], [0, 1]])).toThrow(InvalidInputError);
    expect(() => estimateSimilarity([[Number.NaN, 0], [1, 0]], [[0, 0], [1, 0]])).toThrow(InvalidInputError);
  });
});

describe('invertAffine / applyAffine', () => {
  it('round-trips points', () => {
    const m = similarity(0.7, 1.9, -33, 41);
    const general: Affine2x3 = [1.2, 0.3, 5, -0.4, 0.8, -7];
    for (const t of [m, general]) {
      const inv = invertAffine(t);
      for (const p of ARCFACE_TEMPLATE_112) {
        const q = applyAffine(inv, applyAffine(t, p));
        expect(q[0]).toBeCloseTo(p[0], 10);
        expect(q[1]).toBeCloseTo(p[1], 10);
      }
      expectAffine(invertAffine(inv), t, 1e-12);
    }
  });
  it('refuses a singular matrix', () => {
    expect(() => invertAffine([1, 2, 0, 2, 4, 0])).toThrow(InvalidInputError);
  });
});

describe('arcfaceAlignment', () => {
  it('maps the template to itself at 112', () => {
    expectAffine(arcfaceAlignment(ARCFACE_TEMPLATE_112), [1, 0, 0, 0, 1, 0], 1e-9);
  });
  it('scales the template at 224 and shifts it at 256, as estimate_norm does', () => {
    expectAffine(arcfaceAlignment(ARCFACE_TEMPLATE_112, 224), [2, 0, 0, 0, 2, 0], 1e-9);
    expectAffine(arcfaceAlignment(ARCFACE_TEMPLATE_112, 128), [1, 0, 8, 0, 1, 0], 1e-9);
    expectAffine(arcfaceAlignment(ARCFACE_TEMPLATE_112, 256), [2, 0, 16, 0, 2, 0], 1e-9);
  });
  it('matches numpy estimate_norm on real keypoints', () => {
    expectAffine(arcfaceAlignment(KPS), NUMPY_112, 1e-9);
    expectAffine(arcfaceAlignment(KPS, 224), NUMPY_224, 1e-9);
    expectAffine(arcfaceAlignment(KPS, 256), NUMPY_256, 1e-9);
  });
  it('sends the keypoints near the template', () => {
    const m = arcfaceAlignment(KPS);
    KPS.forEach((p, i) => {
      const q = applyAffine(m, p);
      expect(Math.hypot(q[0] - ARCFACE_TEMPLATE_112[i]![0], q[1] - ARCFACE_TEMPLATE_112[i]![1])).toBeLessThan(5);
    });
  });
  it('refuses other sizes and keypoint counts', () => {
    for (const size of [0, 100, 113, 112.5, -112]) expect(() => arcfaceAlignment(KPS, size)).toThrow(InvalidOptionError);
    expect(() => arcfaceAlignment(KPS.slice(0, 4))).toThrow(InvalidInputError);
  });
});
