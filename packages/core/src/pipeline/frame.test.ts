import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODELS } from '../registry/model-registry.js';
import { resolveDetectOptions } from './detection.js';
import { assessQuality } from '../quality/quality-gate.js';
import { analyzeFrame, regionRect } from './frame.js';
import { createNodeFrameRuntime, type NodeFrameRuntime } from '@facekit/test-support/frame-runtime';
import { IMAGES_DIR, decodeImageFile } from '@facekit/test-support/node';

const photo = (rel: string) => decodeImageFile(resolve(IMAGES_DIR, rel));

describe('regionRect', () => {
  it('is a square twice the face size around its centre, clipped to the frame', () => {
    expect(regionRect([100, 100, 140, 150], 640, 480)).toEqual({ x: 70, y: 75, width: 100, height: 100 });
    expect(regionRect([0, 0, 40, 50], 640, 480)).toEqual({ x: 0, y: 0, width: 70, height: 75 });
    expect(regionRect([600, 440, 640, 480], 640, 480)).toEqual({ x: 580, y: 420, width: 60, height: 60 });
  });
});

describe('analyzeFrame (det_500m, fr_feature, MiniFASNet, fr_eye on onnxruntime-web in Node)', () => {
  let rt: NodeFrameRuntime;
  const detect = resolveDetectOptions(MODELS.det_500m, { inputSize: 640 });
  beforeAll(async () => {
    rt = await createNodeFrameRuntime({
      detector: MODELS.det_500m, recognizer: MODELS.fr_feature, antispoof: [MODELS.minifasnet_v2, MODELS.minifasnet_v1se], eyes: MODELS.fr_eye,
    });
  });
  afterAll(() => rt.release());

  it('a group photo: 6 faces measured; only the main one gets eyes, liveness and an embedding; a comparable neighbour blocks as multiple-faces', async () => {
    const image = photo('insightface/t1.jpg');
    const r = await analyzeFrame(image, rt.on(image), { detect, eyes: 'main', liveness: 'main', embed: 'main' });
    expect(r.mode).toBe('full');
    expect(r.faces).toHaveLength(6);
    const main = r.quality.main;
    expect(main).toBeGreaterThanOrEqual(0);
    const iods = r.faces.map((f) => f.measures.interocular);
    expect(iods[main]).toBe(Math.max(...iods));
    r.faces.forEach((f, i) => {
      expect(f.measures.sharpness).toBeGreaterThan(0);
      expect(f.measures.luma!.mean).toBeGreaterThan(20);
      expect(Math.abs(f.measures.pose.roll)).toBeLessThan(45); // one of them tilts her head ~31°
      expect(f.embedding !== undefined).toBe(i === main);
      expect(f.liveness !== undefined).toBe(i === main);
      expect(f.eyes !== undefined).toBe(i === main);
    });
    expect(r.faces[main]!.embedding).toHaveLength(512);
    expect(r.quality.codes).toContain('multiple-faces');
    // Faces far out at the sides are bystanders; with that rule off every comparable face blocks.
    const rivals = (t: { bystanderDistance: number }) => 5 - assessQuality(r.faces.map((f) => ({ box: f.box, keypoints: f.keypoints })), image, t).background.length;
    expect(rivals({ bystanderDistance: 0 })).toBeGreaterThan(rivals({ bystanderDistance: 1 }));
    expect(r.timings.detect.inference).toBeGreaterThan(0);
  });

  it('regions: re-detecting only around known faces finds the same faces (keypoints within 20 % of the eye distance)', async () => {
    const image = photo('insightface/t1.jpg');
    const full = await analyzeFrame(image, rt.on(image), { detect, measure: false });
    const regions = await analyzeFrame(image, rt.on(image), { detect, measure: false, regions: full.faces.map((f) => f.box), regionInputSize: 160 });
    expect(regions.mode).toBe('regions');
    expect(regions.inputSize).toBe(160);
    expect(regions.faces).toHaveLength(6);
    for (const f of full.faces) {
      const g = regions.faces.reduce((best, x) => (Math.hypot(x.keypoints[2][0] - f.keypoints[2][0], x.keypoints[2][1] - f.keypoints[2][1]) < Math.hypot(best.keypoints[2][0] - f.keypoints[2][0], best.keypoints[2][1] - f.keypoints[2][1]) ? x : best));
      // The crop is seen at about twice the full pass's scale: the detector's keypoints move a little.
      const tol = 0.2 * Math.hypot(f.keypoints[1][0] - f.keypoints[0][0], f.keypoints[1][1] - f.keypoints[0][1]);
      for (let k = 0; k < 5; k++) {
        expect(Math.hypot(g.keypoints[k]![0] - f.keypoints[k]![0], g.keypoints[k]![1] - f.keypoints[k]![1])).toBeLessThan(tol);
      }
    }
  });

  it('a single good face passes the gate; onlyWhenOk skips liveness and embedding on a frame that fails it', async () => {
    const image = photo('uniface/src_man1.jpg');
    const ok = await analyzeFrame(image, rt.on(image), { detect, eyes: 'main', liveness: 'main', embed: 'main', flip: true, onlyWhenOk: true });
    expect(ok.faces).toHaveLength(1);
    expect(ok.quality.codes).toEqual([]);
    expect(ok.quality.ok).toBe(true);
    expect(ok.faces[0]!.embedding).toBeDefined();
    expect(ok.faces[0]!.eyes!.left).toBeGreaterThan(0.5);
    // The same photo with an impossible sharpness requirement: gated.
    const gated = await analyzeFrame(image, rt.on(image), { detect, liveness: 'main', embed: 'main', onlyWhenOk: true, thresholds: { minSharpness: 1e9 } });
    expect(gated.quality.codes).toContain('blurry');
    expect(gated.faces[0]!.embedding).toBeUndefined();
    expect(gated.faces[0]!.liveness).toBeUndefined();
  });

  it('no face: an empty report with no-face', async () => {
    const image = photo('negatives/insightface_mask_white.jpg');
    const r = await analyzeFrame(image, rt.on(image), { detect, embed: 'main' });
    expect(r.faces).toEqual([]);
    expect(r.quality.main).toBe(-1);
    expect(r.quality.codes).toEqual(['no-face']);
  });
});
