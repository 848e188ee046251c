// The core detection pipeline on the real models, in Node (onnxruntime-web wasm backend).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../errors.js';
import { createNodeDetector, decodeImageFile, IMAGES_DIR, type NodeDetector } from '@facekit/test-support/node';
import { MODELS } from '../registry/model-registry.js';
import { resolveDetectOptions, type TensorPool } from './detection.js';

const img = (p: string) => decodeImageFile(join(IMAGES_DIR, p));

describe('SCRFD det_500m in Node', () => {
  let det: NodeDetector;
  beforeAll(async () => { det = await createNodeDetector(MODELS.det_500m); });
  afterAll(() => det.release());

  it('finds the 6 faces of the InsightFace demo photo, with plausible keypoints', async () => {
    const run = await det.detect(img('insightface/t1.jpg'));
    expect(run.faces).toHaveLength(6);
    expect(run.retried).toBe(false);
    for (const f of run.faces) {
      const [le, re, nose, lm, rm] = f.keypoints;
      expect(le[0]).toBeLessThan(re[0]);
      expect(lm[0]).toBeLessThan(rm[0]);
      expect(Math.max(le[1], re[1])).toBeLessThan(Math.min(lm[1], rm[1]));
      expect(nose[1]).toBeGreaterThan(Math.min(le[1], re[1]));
      expect(f.score).toBeGreaterThan(0.5);
    }
  });
  it('finds nothing on the mask photo, even with the retry', async () => {
    const run = await det.detect(img('negatives/insightface_mask_white.jpg'));
    expect(run.faces).toHaveLength(0);
    expect(run.retried).toBe(true);
  });
  it('finds the face of a tight crop through the retry, and not without it', async () => {
    const image = img('uniface/image1.jpg');
    expect((await det.detect(image, { retryTightCrops: false })).faces).toHaveLength(0);
    const run = await det.detect(image);
    expect(run.retried).toBe(true);
    expect(run.faces).toHaveLength(1);
    expect(run.inputWidth).toBe(320);
  });
  it("'fit' runs only the drawn area rounded to 32 and finds the same faces as the square input", async () => {
    // t1.jpg is landscape (1280×886 → 640×443 → a 640×448 input); the kid portrait is taller than wide.
    for (const [photo, want] of [['insightface/t1.jpg', [640, 448]], ['faceonnx/landmarks/kid.jpg', null]] as const) {
      const image = img(photo);
      const fit = await det.detect(image);
      const square = await det.detect(image, { inputShape: 'square' });
      expect([square.inputWidth, square.inputHeight]).toEqual([640, 640]);
      if (want) expect([fit.inputWidth, fit.inputHeight]).toEqual(want);
      expect(fit.inputWidth * fit.inputHeight).toBeLessThan(640 * 640);
      expect(fit.faces).toHaveLength(square.faces.length);
      for (const [i, f] of fit.faces.entries()) {
        const s = square.faces[i]!;
        // Only the cells next to the cut-off padding see different input.
        for (let k = 0; k < 4; k++) expect(Math.abs(f.box[k]! - s.box[k]!)).toBeLessThan(2);
        expect(Math.abs(f.score - s.score)).toBeLessThan(0.02);
      }
    }
  });
  it('one input buffer serves every detector shape (landscape, portrait, the retry)', async () => {
    const tensors: TensorPool = new Map();
    const own = await createNodeDetector(MODELS.det_500m, 1, tensors);
    try {
      for (const photo of ['insightface/t1.jpg', 'faceonnx/landmarks/kid.jpg', 'uniface/image1.jpg']) await own.detect(img(photo));
      expect([...tensors.keys()]).toEqual(['detector:3x1x1']);
      expect(tensors.get('detector:3x1x1')!.length).toBeGreaterThanOrEqual(3 * 640 * 448);
    } finally {
      await own.release();
    }
  });
  it('keeps the best faces first with maxFaces', async () => {
    const all = (await det.detect(img('insightface/t1.jpg'))).faces;
    const two = (await det.detect(img('insightface/t1.jpg'), { maxFaces: 2 })).faces;
    expect(two.map((f) => f.score)).toEqual(all.slice(0, 2).map((f) => f.score));
  });
});

describe('other detectors in Node', () => {
  it('the static SCRFD-2.5G re-export finds the 6 faces', async () => {
    const det = await createNodeDetector(MODELS['scrfd_2.5g_kps']);
    expect((await det.detect(img('insightface/t1.jpg'))).faces).toHaveLength(6);
    await det.release();
  });
  it('YuNet finds the 6 faces with keypoints in image left-to-right order', async () => {
    const det = await createNodeDetector(MODELS.yunet_2026may);
    const run = await det.detect(img('insightface/t1.jpg'));
    expect(run.faces).toHaveLength(6);
    for (const f of run.faces) {
      expect(f.keypoints[0][0]).toBeLessThan(f.keypoints[1][0]);
      expect(f.keypoints[3][0]).toBeLessThan(f.keypoints[4][0]);
    }
    await det.release();
  });
});

describe('resolveDetectOptions', () => {
  it("refuses an inputShape other than 'fit' or 'square'", () => {
    expect(() => resolveDetectOptions(MODELS.det_500m, { inputShape: 'round' as 'fit' })).toThrow(/inputShape must be 'fit' or 'square'/);
  });
  it('rounds dynamic sizes to 32 and refuses other sizes for static models', () => {
    expect(resolveDetectOptions(MODELS.det_500m, { inputSize: 500 }).inputSize).toBe(512);
    expect(() => resolveDetectOptions(MODELS['scrfd_2.5g_kps'], { inputSize: 320 })).toThrow(/static 640×640/);
    expect(() => resolveDetectOptions(MODELS.det_500m, { minScore: 2 })).toThrow(InvalidOptionError);
  });
});
