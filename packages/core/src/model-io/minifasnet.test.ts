// MiniFASNet preprocessing: Silent-Face's crop box on hand-computed cases, crop + cv2.resize as one
// affine warp, and the decoding.
import { describe, expect, it } from 'vitest';
import { rng } from '@facekit/test-support/random';
import { applyAffine } from '../geometry/similarity-transform.js';
import { warpAffineToChw } from '../image/warp.js';
import { MODELS } from '../registry/model-registry.js';
import { cropResizeAffine, fuseMinifasnet, minifasnetAffine, minifasnetCropBox, minifasnetScale, silentFaceBox, softmax, type InclusiveBox } from './minifasnet.js';

describe('silentFaceBox', () => {
  it('is get_bbox: int(left), int(top), int(right-left+1), int(bottom-top+1), truncating towards zero', () => {
    expect(silentFaceBox([10.7, 20.2, 110.3, 140.9])).toEqual([10, 20, 100, 121]);
    expect(silentFaceBox([-3.5, -0.4, 50, 60])).toEqual([-3, 0, 54, 61]);
  });
});

describe('minifasnetCropBox (CropImage._get_new_box)', () => {
  it('keeps a crop that fits: scale × the box around its centre', () => {
    // 640×480, box 100×100 at (270, 190), centre (320, 240); 2.7 → 270×270 from (185, 105).
    expect(minifasnetCropBox(640, 480, [270, 190, 100, 100], 2.7)).toEqual([185, 105, 455, 375]);
  });

  it('shifts a crop over the left edge back inside, keeping its size', () => {
    // centre (60, 150), 270×270: x1 = −75 → the box moves right by 75: [0, 270].
    expect(minifasnetCropBox(640, 480, [10, 100, 100, 100], 2.7)).toEqual([0, 15, 270, 285]);
  });

  it('shifts a crop over the right and bottom edges back inside (the last column is src_w − 1)', () => {
    // 60×60 box, centre (630, 430), 162×162: x 549..711 → 477..639, y 349..511 → 317..479.
    expect(minifasnetCropBox(640, 480, [600, 400, 60, 60], 2.7)).toEqual([477, 317, 639, 479]);
  });

  it('clamps the scale for a big face so the crop fits the image', () => {
    // 300×400 box: scale min((480−1)/400, (640−1)/300, 4) = 1.1975 → 359.25×479 around (250, 250):
    // x 70.375..429.625, y 10.5..489.5 → shifted up by 10.5 → 0..479; then int().
    expect(minifasnetCropBox(640, 480, [100, 50, 300, 400], 4)).toEqual([70, 0, 429, 479]);
  });
});

describe('minifasnetScale', () => {
  it("reads Silent-Face's scale from the file name", () => {
    expect(minifasnetScale(MODELS.minifasnet_v2)).toBe(2.7);
    expect(minifasnetScale(MODELS.minifasnet_v1se)).toBe(4);
    expect(() => minifasnetScale({ id: 'x', file: 'MiniFASNet.onnx' })).toThrow(/crop scale/);
  });
});

/** cv2.resize(img, (outW, outH), INTER_LINEAR) of one channel, as OpenCV defines it (half-pixel centres, edge clamp). */
function cvResizeLinear(src: Float64Array, w: number, h: number, outW: number, outH: number): Float64Array {
  const out = new Float64Array(outW * outH);
  const tap = (v: number, n: number): [number, number] => {
    let i = Math.floor(v), f = v - i;
    if (i < 0) { i = 0; f = 0; }
    if (i >= n - 1) { i = n - 1; f = 0; }
    return [i, f];
  };
  for (let y = 0; y < outH; y++) {
    const [y0, fy] = tap((y + 0.5) * (h / outH) - 0.5, h);
    const y1 = Math.min(y0 + 1, h - 1);
    for (let x = 0; x < outW; x++) {
      const [x0, fx] = tap((x + 0.5) * (w / outW) - 0.5, w);
      const x1 = Math.min(x0 + 1, w - 1);
      out[y * outW + x] = (1 - fy) * ((1 - fx) * src[y0 * w + x0]! + fx * src[y0 * w + x1]!) + fy * ((1 - fx) * src[y1 * w + x0]! + fx * src[y1 * w + x1]!);
    }
  }
  return out;
}

describe('cropResizeAffine', () => {
  it("maps the crop's outer pixel edges onto the output's", () => {
    const crop: InclusiveBox = [0, 15, 270, 285];
    const m = cropResizeAffine(crop, 80, 80);
    expect(applyAffine(m, [-0.5, 14.5])).toEqual([expect.closeTo(-0.5, 9), expect.closeTo(-0.5, 9)]);
    expect(applyAffine(m, [270.5, 285.5])).toEqual([expect.closeTo(79.5, 9), expect.closeTo(79.5, 9)]);
  });

  it('warped from the whole image, equals cropping then cv2.resize when downscaling', () => {
    const rand = rng(7);
    const W = 200, H = 150;
    const rgba = new Uint8ClampedArray(W * H * 4).map(() => Math.floor(rand() * 256));
    const crop: InclusiveBox = [13, 9, 190, 140]; // 178×132 → 80×80
    const cw = crop[2] - crop[0] + 1, ch = crop[3] - crop[1] + 1;
    const spec = { colorOrder: 'bgr', mean: [0, 0, 0], std: [1, 1, 1] } as const;
    const got = warpAffineToChw(rgba, W, H, cropResizeAffine(crop, 80, 80), 80, 80, spec, new Float32Array(3 * 6400));
    for (const [plane, channel] of [[0, 2], [1, 1], [2, 0]] as const) { // BGR planes from RGBA bytes
      const src = new Float64Array(cw * ch);
      for (let y = 0; y < ch; y++) for (let x = 0; x < cw; x++) src[y * cw + x] = rgba[((crop[1] + y) * W + crop[0] + x) * 4 + channel]!;
      const want = cvResizeLinear(src, cw, ch, 80, 80);
      let maxDiff = 0;
      for (let i = 0; i < 6400; i++) maxDiff = Math.max(maxDiff, Math.abs(got[plane * 6400 + i]! - want[i]!));
      expect(maxDiff).toBeLessThan(1e-3);
    }
  });

  it('minifasnetAffine = our box → Silent-Face box → crop box → map', () => {
    const box: [number, number, number, number] = [270.4, 190.9, 369.2, 289.6];
    const m = minifasnetAffine(box, 640, 480, MODELS.minifasnet_v2);
    expect(m).toEqual(cropResizeAffine(minifasnetCropBox(640, 480, [270, 190, 99, 99], 2.7), 80, 80));
  });
});

describe('decoding', () => {
  it('softmax is stable and sums to 1', () => {
    const p = softmax([1000, 1001, 999]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p[1]).toBeCloseTo(Math.E / (1 + Math.E + 1 / Math.E), 12);
  });

  it("fuses as test.py: the mean of the models' class-1 probabilities", () => {
    expect(fuseMinifasnet([[0.1, 0.8, 0.1], [0.5, 0.2, 0.3]])).toBeCloseTo(0.5, 12);
    expect(() => fuseMinifasnet([])).toThrow();
  });
});
