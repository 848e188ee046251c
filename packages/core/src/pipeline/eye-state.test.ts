// Eye state on the real model (faceplugin fr_eye) with det_500m keypoints, in Node.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeModel, imageSource, type NodeModel } from '@facekit/test-support/liveness-runtime';
import { createNodeDetector, decodeImageFile, IMAGES_DIR, type NodeDetector, type RgbaImage } from '@facekit/test-support/node';
import type { Affine2x3 } from '../geometry/similarity-transform.js';
import { warpAffineToRgba } from '../image/warp.js';
import type { Keypoints5 } from '../model-io/detection-types.js';
import { EYE_CROP_SCALES, eyeCrops } from '../model-io/fr-eye.js';
import { sigmoid } from '../util/log-odds.js';
import { MODELS } from '../registry/model-registry.js';
import { runEyeState, type EyeState } from './eye-state.js';
import { warpSourceRect, type PixelRect } from './recognition.js';

describe('runEyeState on a fake runtime', () => {
  it('reads each eye crop\'s source rectangle at each scale, runs one grey crop at a time, left eye first, and averages the log-odds over the scales', async () => {
    const keypoints: Keypoints5 = [[100, 100], [160, 110], [130, 140], [110, 170], [150, 175]];
    const reads: PixelRect[] = [];
    const inputs: number[] = [];
    const run = await runEyeState([{ keypoints }], {
      width: 400, height: 300,
      read: (r) => { reads.push(r); return new Uint8ClampedArray(r.width * r.height * 4).fill(51); },
    }, MODELS.fr_eye, {
      async infer(t) {
        expect(t.length).toBe(24 * 24);
        inputs.push(t[0]!);
        // Runs 1–3 are the left eye's crops (log-odds 1, 2, 3), runs 4–6 the right eye's (−1, −2, −3).
        const n = inputs.length;
        return Float32Array.from([0, n <= 3 ? n : 3 - n]);
      },
    });
    // Crops are written scale by scale, left then right; they run eye by eye.
    const crops = EYE_CROP_SCALES.flatMap((s) => eyeCrops(keypoints, 24, s));
    expect(reads).toEqual(crops.map((c) => warpSourceRect(c.matrix, 24 * c.supersample, 24 * c.supersample, 400, 300)));
    expect(inputs.map((v) => Math.round(v * 1000) / 1000)).toEqual(Array(6).fill(0.2)); // grey 51 / 255
    expect(run.faces).toEqual([{ left: expect.closeTo(sigmoid(2), 6), right: expect.closeTo(sigmoid(-2), 6) }]);
  });

  it('returns nothing for no faces and refuses a model that is not a grey eye-state model', async () => {
    const source = { width: 10, height: 10, read: () => new Uint8ClampedArray(400) };
    const runtime = { infer: async () => new Float32Array(2) };
    expect((await runEyeState([], source, MODELS.fr_eye, runtime)).faces).toEqual([]);
    await expect(runEyeState([], source, MODELS.minifasnet_v2, runtime)).rejects.toThrow(/eye-state/);
  });
});

/** The image turned by `degrees` about its centre, on a canvas that holds all of it. */
function rotate(image: RgbaImage, degrees: number): RgbaImage {
  const a = (degrees * Math.PI) / 180, c = Math.cos(a), s = Math.sin(a);
  const w = Math.ceil(Math.abs(image.width * c) + Math.abs(image.height * s));
  const h = Math.ceil(Math.abs(image.width * s) + Math.abs(image.height * c));
  const cx = (image.width - 1) / 2, cy = (image.height - 1) / 2;
  const m: Affine2x3 = [c, -s, (w - 1) / 2 - c * cx + s * cy, s, c, (h - 1) / 2 - s * cx - c * cy];
  return { data: warpAffineToRgba(image.data, image.width, image.height, m, w, h), width: w, height: h };
}

describe('fr_eye on real photos (det_500m keypoints)', () => {
  let det: NodeDetector;
  let eye: NodeModel;
  const eyes = async (image: RgbaImage): Promise<EyeState> => {
    const faces = (await det.detect(image)).faces.slice(0, 1); // the most confident face
    expect(faces).toHaveLength(1);
    return (await runEyeState(faces, imageSource(image), MODELS.fr_eye, { infer: (t) => eye.run(t, [1, 1, 24, 24]) })).faces[0]!;
  };
  const photo = (f: string) => decodeImageFile(join(IMAGES_DIR, f));
  beforeAll(async () => {
    det = await createNodeDetector(MODELS.det_500m);
    eye = await createNodeModel(MODELS.fr_eye);
  });
  afterAll(async () => { await det.release(); await eye.release(); });

  it('sees both eyes open, both closed, and the wink', async () => {
    const open = await eyes(photo('faceonnx/landmarks/eyes_open_open.jpg'));
    const closed = await eyes(photo('faceonnx/landmarks/eyes_closed_closed.jpg'));
    // The wink: the eye on the image's left (keypoint 0, the subject's right eye) is closed.
    const wink = await eyes(photo('faceonnx/landmarks/eyes_closed_open.jpg'));
    expect(Math.min(open.left, open.right)).toBeGreaterThan(0.95);
    expect(Math.max(closed.left, closed.right)).toBeLessThan(0.05);
    expect(wink.left).toBeLessThan(0.05);
    expect(wink.right).toBeGreaterThan(0.95);
  });

  it('keeps the wink when the head is tilted up to 20° either way (the crop turns with the eye line)', async () => {
    // Unturned crops read the closed eye as open at −20° (p ≈ 0.84); at ±25–30° the open eye
    // starts to fail here too, so this is the range the crop is trusted with.
    for (const deg of [-20, -10, 10, 20]) {
      const wink = await eyes(rotate(photo('faceonnx/landmarks/eyes_closed_open.jpg'), deg));
      expect(wink.left, `${deg}°`).toBeLessThan(0.1);
      expect(wink.right, `${deg}°`).toBeGreaterThan(0.9);
    }
  }, 60_000);

  it('sees open eyes on single-face portraits, large faces included (supersampled crops)', async () => {
    const files = [
      'uniface/src_man1.jpg', 'uniface/src_man2.jpg', 'uniface/src_man3.jpg', 'uniface/src_portrait1.jpg',
      'faceonnx/landmarks/bruce.jpg', 'faceonnx/landmarks/jake.jpg', 'faceonnx/verification/brad_2.jpg',
      'faceonnx/verification/sarah_2.jpg', 'ppu_uniface/image-kevin1.png', 'ppu_uniface/image-haaland2.png',
    ];
    for (const f of files) {
      const e = await eyes(photo(f));
      expect(Math.min(e.left, e.right), f).toBeGreaterThan(0.9);
    }
  }, 120_000);
});
