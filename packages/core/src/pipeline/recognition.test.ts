// Alignment + embedding on the real recognizer (fr_feature), in Node.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERIFICATION_PEOPLE, createNodeDetector, createNodeRecognizer, decodeImageFile, IMAGES_DIR, type NodeDetector, type NodeRecognizer } from '@facekit/test-support/node';
import { MODELS } from '../registry/model-registry.js';
import { offsetAffine, warpSourceRect } from './recognition.js';
import { warpAffineToChw } from '../image/warp.js';
import { applyAffine } from '../geometry/similarity-transform.js';

const PEOPLE = VERIFICATION_PEOPLE;

describe('warpSourceRect / offsetAffine', () => {
  it('reading a sub-rectangle with the offset map samples the same source points', () => {
    const m: [number, number, number, number, number, number] = [0.5, -0.1, -20, 0.1, 0.5, -30];
    const rect = warpSourceRect(m, 112, 112, 1000, 1000)!;
    expect(rect.width).toBeGreaterThan(0);
    const m2 = offsetAffine(m, rect);
    for (const p of [[0, 0], [10, 20], [300, 400]] as [number, number][]) {
      const a = applyAffine(m, p);
      const b = applyAffine(m2, [p[0] - rect.x, p[1] - rect.y]);
      expect(b[0]).toBeCloseTo(a[0], 9);
      expect(b[1]).toBeCloseTo(a[1], 9);
    }
  });
});

describe('warpSourceRect at and beyond the border', () => {
  it('clips a partly outside crop and gives a 1-pixel strip, untouched by any tap, for a crop wholly outside', () => {
    expect(warpSourceRect([1, 0, 50, 0, 1, 50], 112, 112, 1000, 1000)).toEqual({ x: 0, y: 0, width: 63, height: 63 });
    const m: [number, number, number, number, number, number] = [1, 0, -2000, 0, 1, 0];
    const rect = warpSourceRect(m, 112, 112, 1000, 1000);
    expect(rect).toEqual({ x: 999, y: 0, width: 1, height: 113 });
    // The strip is white, yet the crop comes out black: no tap reaches it.
    const spec = { colorOrder: 'rgb' as const, mean: [127.5, 127.5, 127.5] as const, std: [128, 128, 128] as const };
    const out = warpAffineToChw(new Uint8ClampedArray(rect.width * rect.height * 4).fill(255), rect.width, rect.height, offsetAffine(m, rect), 112, 112, spec, new Float32Array(3 * 112 * 112));
    expect(out.every((v) => Math.abs(v + 127.5 / 128) < 1e-6)).toBe(true);
  });
});

describe('fr_feature embeddings of real photos', () => {
  let det: NodeDetector;
  let rec: NodeRecognizer;
  const emb = new Map<string, Float32Array>();
  beforeAll(async () => {
    det = await createNodeDetector(MODELS.det_500m);
    rec = await createNodeRecognizer(MODELS.fr_feature);
    for (const file of Object.values(PEOPLE).flat()) {
      const image = decodeImageFile(join(IMAGES_DIR, file));
      const faces = (await det.detect(image)).faces.slice(0, 1); // the most confident face
      const run = await rec.embedFaces(image, faces, true);
      emb.set(file, run.embeddings[0]!);
    }
  }, 120_000);
  afterAll(async () => { await det.release(); await rec.release(); });

  it('gives unit-length 512-d embeddings', () => {
    for (const e of emb.values()) {
      expect(e.length).toBe(512);
      expect(Math.hypot(...e)).toBeCloseTo(1, 5);
    }
  });

  it('scores every same-person pair above every different-person pair', () => {
    const names = Object.keys(PEOPLE);
    const same: number[] = [], diff: number[] = [];
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);
    for (const [i, p] of names.entries()) for (const q of names.slice(i)) {
      for (const a of PEOPLE[p]!) for (const b of PEOPLE[q]!) {
        if (a >= b && p === q) continue;
        (p === q ? same : diff).push(dot(emb.get(a)!, emb.get(b)!));
      }
    }
    expect(same.length).toBe(3 * 3 + 3 * 1);
    expect(Math.min(...same)).toBeGreaterThan(Math.max(...diff));
  });
});
