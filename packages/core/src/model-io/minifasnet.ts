// MiniFASNet (minivision-ai Silent-Face-Anti-Spoofing) pre- and post-processing.
// The crop follows Silent-Face's CropImage (src/generate_patches.py) and test.py, re-written here.
import type { Box } from '../geometry/box.js';
import type { Affine2x3 } from '../geometry/similarity-transform.js';
import type { ModelSpec } from '../registry/model-spec.js';
import type { PixelRect } from '../pipeline/recognition.js';
import { FaceKitError } from '../errors.js';

/** Silent-Face's face box: `[x, y, width, height]`, integers. */
export type XywhBox = [x: number, y: number, width: number, height: number];

/** An inclusive integer pixel box `[x1, y1, x2, y2]`: the crop is columns x1..x2, rows y1..y2. */
export type InclusiveBox = [x1: number, y1: number, x2: number, y2: number];

/** Python's `int()` of a float: towards zero (and 0, not −0). */
const int = (v: number): number => Math.trunc(v) + 0;

/**
 * Our detector's `[x1, y1, x2, y2]` as Silent-Face's detector hands it over
 * (`get_bbox`: `[int(left), int(top), int(right-left+1), int(bottom-top+1)]`).
 * Python's `int()` truncates towards zero, also for a box hanging off the left edge.
 */
export function silentFaceBox(box: Readonly<Box>): XywhBox {
  const [x1, y1, x2, y2] = box;
  return [int(x1), int(y1), int(x2 - x1 + 1), int(y2 - y1 + 1)];
}

/**
 * `CropImage._get_new_box`: a box `scale` times the face box (less when that would not fit the
 * image), centred on the face box centre, shifted back inside the image, truncated to integers.
 */
export function minifasnetCropBox(srcW: number, srcH: number, bbox: Readonly<XywhBox>, scale: number): InclusiveBox {
  const [x, y, boxW, boxH] = bbox;
  const s = Math.min((srcH - 1) / boxH, (srcW - 1) / boxW, scale);
  const newW = boxW * s, newH = boxH * s;
  const cx = boxW / 2 + x, cy = boxH / 2 + y;
  let x1 = cx - newW / 2, y1 = cy - newH / 2, x2 = cx + newW / 2, y2 = cy + newH / 2;
  if (x1 < 0) { x2 -= x1; x1 = 0; }
  if (y1 < 0) { y2 -= y1; y1 = 0; }
  if (x2 > srcW - 1) { x1 -= x2 - srcW + 1; x2 = srcW - 1; }
  if (y2 > srcH - 1) { y1 -= y2 - srcH + 1; y2 = srcH - 1; }
  return [int(x1), int(y1), int(x2), int(y2)];
}

/**
 * `img[y1:y2+1, x1:x2+1]` then `cv2.resize(…, (outW, outH))` (INTER_LINEAR, half-pixel centres)
 * as one affine map source → output, for `warpAffineToChw`: x_out = (x − x1 + ½)·outW/cropW − ½.
 * When downscaling (the usual case) every tap lies inside the crop, so the warp reads the same
 * pixels cv2.resize does; when a small crop is upscaled, the outermost half output pixel
 * blends in the neighbouring source pixel where cv2.resize repeats the crop's edge.
 */
export function cropResizeAffine(crop: Readonly<InclusiveBox>, outW: number, outH: number): Affine2x3 {
  const [x1, y1, x2, y2] = crop;
  const sx = outW / (x2 - x1 + 1), sy = outH / (y2 - y1 + 1);
  return [sx, 0, (0.5 - x1) * sx - 0.5, 0, sy, (0.5 - y1) * sy - 0.5];
}

/**
 * The crop scale Silent-Face reads from the model's file name (`parse_model_name`: the text
 * before the first `_`): `2.7_80x80_MiniFASNetV2` → 2.7, `4_0_0_80x80_MiniFASNetV1SE` → 4.
 */
export function minifasnetScale(spec: Pick<ModelSpec, 'id' | 'file'>): number {
  const scale = Number.parseFloat(spec.file.split('_')[0] ?? '');
  if (!Number.isFinite(scale) || scale <= 0) throw new FaceKitError('INTERNAL', `Model "${spec.id}": no crop scale in file name "${spec.file}" (expected e.g. 2.7_80x80_MiniFASNetV2.onnx); the registry entry is wrong (a facekit bug)`);
  return scale;
}

/**
 * The map source → model input for one face box and one MiniFASNet. With `content` (the
 * picture's rectangle inside padding bars, `findContentRect`) the crop is kept inside the picture,
 * as Silent-Face keeps it inside the image, so what fills the bars never reaches the model.
 */
export function minifasnetAffine(
  box: Readonly<Box>, srcW: number, srcH: number, spec: Pick<ModelSpec, 'id' | 'file' | 'input'>,
  content: Readonly<PixelRect> = { x: 0, y: 0, width: srcW, height: srcH },
): Affine2x3 {
  const { x, y } = content;
  const [x1, y1, x2, y2] = minifasnetCropBox(content.width, content.height, silentFaceBox([box[0] - x, box[1] - y, box[2] - x, box[3] - y]), minifasnetScale(spec));
  return cropResizeAffine([x1 + x, y1 + y, x2 + x, y2 + y], spec.input.width, spec.input.height);
}

/** Numerically stable softmax. */
export function softmax(logits: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const e = Array.from({ length: logits.length }, (_, i) => Math.exp(logits[i]! - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** MiniFASNet's class order: 0 and 2 are attack classes, 1 is a real face. */
export const MINIFASNET_REAL_CLASS = 1;

/**
 * Silent-Face's fusion (test.py): the models' softmax vectors are summed and divided by the
 * count; the real-face probability is that mean's class 1.
 */
export function fuseMinifasnet(probabilities: readonly (readonly number[])[]): number {
  if (probabilities.length === 0) throw new FaceKitError('INTERNAL', 'No anti-spoofing model outputs to fuse; the pipeline must run at least one model (a facekit bug)');
  let real = 0;
  for (const p of probabilities) real += p[MINIFASNET_REAL_CLASS]!;
  return real / probabilities.length;
}
