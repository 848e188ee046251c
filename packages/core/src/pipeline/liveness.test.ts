// Passive liveness: the pipeline's contract on a fake runtime, then both real MiniFASNets on
// shared/data/spoof-dev in Node (onnxruntime-web wasm), with the photos decoded upright (EXIF).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyOrientation, decodeImageFileOriented, jpegOrientation } from '@facekit/test-support/exif';
import { createNodeLiveness, type NodeLiveness } from '@facekit/test-support/liveness-runtime';
import { createNodeDetector, SHARED_DIR, type NodeDetector } from '@facekit/test-support/node';
import type { Box } from '../geometry/box.js';
import { minifasnetAffine, minifasnetCropBox, silentFaceBox } from '../model-io/minifasnet.js';
import { MODELS } from '../registry/model-registry.js';
import { runPassiveLiveness } from './liveness.js';
import { DEFAULT_LIVENESS_THRESHOLD, LIVENESS_CALIBRATION, livenessErrorRates, thresholdAboveSpoofs } from './liveness-threshold.js';
import { warpSourceRect, type PixelRect } from './recognition.js';

const SPECS = [MODELS.minifasnet_v2, MODELS.minifasnet_v1se];
const SPOOF_DEV = join(SHARED_DIR, 'data/spoof-dev');

describe('runPassiveLiveness on a fake runtime', () => {
  it('reads only each crop\'s source rectangle, runs every model on every face and fuses softmax class 1', async () => {
    const W = 640, H = 480;
    const boxes: Box[] = [[20, 30, 120, 150], [400, 200, 600, 470]];
    const reads: PixelRect[] = [];
    const calls: string[] = [];
    // Logits [0, ln 3, 0] → class 1 = 0.6 for V2; [0, 0, 0] → 1/3 for V1SE.
    const run = await runPassiveLiveness(boxes, {
      width: W, height: H,
      read: (r) => { reads.push(r); return new Uint8ClampedArray(r.width * r.height * 4).fill(128); },
    }, SPECS, {
      async infer(id, tensor) {
        calls.push(id);
        expect(tensor.length).toBe(3 * 80 * 80);
        expect(tensor[0]).toBe(128); // BGR, raw 0–255
        return Float32Array.from(id === 'minifasnet_v2' ? [0, Math.log(3), 0] : [0, 0, 0]);
      },
    });
    expect(calls).toEqual(['minifasnet_v2', 'minifasnet_v1se', 'minifasnet_v2', 'minifasnet_v1se']);
    // First the picture-area probe (8 rows, 8 columns; a uniform frame has no bars), then the crops.
    expect(reads.slice(0, 16).every((r) => r.width === 1 || r.height === 1)).toBe(true);
    expect(reads.slice(16)).toEqual(boxes.flatMap((b) => SPECS.map((s) => warpSourceRect(minifasnetAffine(b, W, H, s), 80, 80, W, H))));
    for (const r of reads) {
      expect(r.x >= 0 && r.y >= 0 && r.x + r.width <= W && r.y + r.height <= H).toBe(true);
    }
    for (const f of run.faces) {
      expect(f.perModel.minifasnet_v2).toBeCloseTo(0.6, 6);
      expect(f.perModel.minifasnet_v1se).toBeCloseTo(1 / 3, 6);
      expect(f.score).toBeCloseTo((0.6 + 1 / 3) / 2, 6);
    }
  });

  it('returns nothing for no faces and refuses a model that is not a MiniFASNet', async () => {
    const source = { width: 10, height: 10, read: () => new Uint8ClampedArray(400) };
    const runtime = { infer: async () => new Float32Array(3) };
    expect((await runPassiveLiveness([], source, SPECS, runtime)).faces).toEqual([]);
    await expect(runPassiveLiveness([[0, 0, 5, 5]], source, [MODELS.fr_feature], runtime)).rejects.toThrow(/not a MiniFASNet/);
    await expect(runPassiveLiveness([[0, 0, 5, 5]], source, [], runtime)).rejects.toThrow(/at least one/);
  });
});

describe('liveness threshold helpers', () => {
  it('counts APCER / BPCER with score ≥ threshold accepted, and picks the midpoint above the top spoof', () => {
    expect(livenessErrorRates([0.9, 0.5], [0.1, 0.7], 0.7)).toEqual({ apcer: 0.5, bpcer: 0.5, spoofsAccepted: 1, realsRejected: 1 });
    expect(thresholdAboveSpoofs([0.5, 0.9, 0.95], [0.1, 0.7])).toBeCloseTo(0.8, 12);
    expect(thresholdAboveSpoofs([0.5], [0.7])).toBeCloseTo(0.85, 12);
  });
});

describe('EXIF orientation (Node decoding, as the browser shows the photo)', () => {
  it('reads the tags of the spoof-dev photos', () => {
    expect(jpegOrientation(readFileSync(join(SPOOF_DEV, 'real/sf_image_T1.jpg')))).toBe(6);
    expect(jpegOrientation(readFileSync(join(SPOOF_DEV, 'real/tf_real.jpg')))).toBe(3);
    expect(jpegOrientation(readFileSync(join(SPOOF_DEV, 'real/vm_true_001.jpg')))).toBe(1);
  });

  it('rotates and mirrors as the tags say', () => {
    // 3×2 image whose red channel numbers the stored pixels 0..5 row by row.
    const img = { width: 3, height: 2, data: new Uint8ClampedArray(24).map((_, i) => (i % 4 === 0 ? i / 4 : 0)) };
    const red = (o: number) => { const r = applyOrientation(img, o); return [r.width, r.height, ...Array.from(r.data.filter((_, i) => i % 4 === 0))]; };
    expect(red(1)).toEqual([3, 2, 0, 1, 2, 3, 4, 5]);
    expect(red(2)).toEqual([3, 2, 2, 1, 0, 5, 4, 3]);
    expect(red(3)).toEqual([3, 2, 5, 4, 3, 2, 1, 0]);
    expect(red(4)).toEqual([3, 2, 3, 4, 5, 0, 1, 2]);
    expect(red(5)).toEqual([2, 3, 0, 3, 1, 4, 2, 5]);
    expect(red(6)).toEqual([2, 3, 3, 0, 4, 1, 5, 2]); // 90° clockwise
    expect(red(7)).toEqual([2, 3, 5, 2, 4, 1, 3, 0]);
    expect(red(8)).toEqual([2, 3, 2, 5, 1, 4, 0, 3]); // 90° counter-clockwise
  });
});

describe('MiniFASNetV2 + V1SE on spoof-dev', () => {
  let det: NodeDetector;
  let live: NodeLiveness;
  const scores = new Map<string, { score: number; perModel: Record<string, number> }>();
  beforeAll(async () => {
    det = await createNodeDetector(MODELS.det_500m);
    live = await createNodeLiveness(SPECS);
    for (const label of ['real', 'spoof']) {
      for (const f of readdirSync(join(SPOOF_DEV, label))) {
        const image = decodeImageFileOriented(join(SPOOF_DEV, label, f));
        const face = (await det.detect(image)).faces[0]!; // the most confident face
        scores.set(`${label}/${f}`, (await live.check(image, [face.box])).faces[0]!);
      }
    }
  }, 180_000);
  afterAll(async () => { await det.release(); await live.release(); });

  it('scores the clear cases with margin', () => {
    expect(scores.size).toBe(17);
    // Silent-Face's own samples: its annotated results say RealFace / FakeFace.
    expect(scores.get('real/sf_image_T1.jpg')!.score).toBeGreaterThan(0.99);
    expect(scores.get('spoof/sf_image_F2.jpg')!.score).toBeLessThan(0.02);
    expect(scores.get('spoof/sf_image_F1.jpg')!.score).toBeLessThan(0.5);
    expect(scores.get('real/vm_true_001.jpg')!.score).toBeGreaterThan(0.99);
    expect(scores.get('spoof/tf_fake.jpg')!.score).toBeLessThan(0.01);
    expect(scores.get('spoof/tf_near_shot_fake_person.jpg')!.score).toBeLessThan(0.01);
  });

  it('fuses each face as the mean of the two models', () => {
    for (const s of scores.values()) {
      expect(Object.keys(s.perModel)).toEqual(['minifasnet_v2', 'minifasnet_v1se']);
      expect(s.score).toBeCloseTo((s.perModel.minifasnet_v2! + s.perModel.minifasnet_v1se!) / 2, 9);
    }
  });

  it('reproduces the recorded calibration: its error counts at the default threshold, and its rule', () => {
    const real = [...scores].filter(([k]) => k.startsWith('real/')).map(([, v]) => v.score);
    const spoof = [...scores].filter(([k]) => k.startsWith('spoof/')).map(([, v]) => v.score);
    const r = livenessErrorRates(real, spoof, DEFAULT_LIVENESS_THRESHOLD);
    expect([real.length, spoof.length]).toEqual([LIVENESS_CALIBRATION.reals, LIVENESS_CALIBRATION.spoofs]);
    expect(r.spoofsAccepted).toBe(LIVENESS_CALIBRATION.spoofsAccepted);
    expect(r.realsRejected).toBe(LIVENESS_CALIBRATION.realsRejected);
    expect(thresholdAboveSpoofs(real, spoof)).toBeCloseTo(DEFAULT_LIVENESS_THRESHOLD, 1);
  });
});

describe('padding bars do not reach the models', () => {
  let det: NodeDetector;
  let live: NodeLiveness;
  beforeAll(async () => { det = await createNodeDetector(MODELS.det_500m); live = await createNodeLiveness(SPECS); }, 60_000);
  afterAll(async () => { await det.release(); await live.release(); });

  it('scores a portrait picture pillarboxed in grey, black or white the same', async () => {
    // A portrait phone capture (720×1280) placed at its own scale in a 4:3 frame, as a fixed-size
    // fake or virtual camera shows it.
    const picture = decodeImageFileOriented(join(SPOOF_DEV, 'real/vm_true_003.png'));
    const W = Math.round((picture.height * 4) / 3), x0 = Math.floor((W - picture.width) / 2);
    const framed = (bar: number) => {
      const data = new Uint8ClampedArray(W * picture.height * 4).fill(bar);
      for (let y = 0; y < picture.height; y++) data.set(picture.data.subarray(y * picture.width * 4, (y + 1) * picture.width * 4), (y * W + x0) * 4);
      for (let i = 3; i < data.length; i += 4) data[i] = 255;
      return { width: W, height: picture.height, data };
    };
    const grey = framed(128);
    const face = (await det.detect(grey)).faces[0]!;
    // Uncontained, MiniFASNetV1SE's 4× crop would reach past the picture into the bars.
    const [cx1, , cx2] = minifasnetCropBox(W, picture.height, silentFaceBox(face.box), 4);
    expect(cx1 < x0 || cx2 >= x0 + picture.width).toBe(true);
    const scores = [];
    for (const bar of [128, 0, 255]) scores.push((await live.check(bar === 128 ? grey : framed(bar), [face.box])).faces[0]!);
    expect(scores[1]).toEqual(scores[0]);
    expect(scores[2]).toEqual(scores[0]);
  });
});
