import type { DecodeInput, DetectionCandidate, Keypoints5 } from './detection-types.js';
import { FaceKitError } from '../errors.js';

const STRIDES = [8, 16, 32] as const;

function byName(input: DecodeInput, name: string): Float32Array {
  const data = input.outputs.get(name);
  if (!data) throw new FaceKitError('INTERNAL', `YuNet output "${name}" not found; got ${[...input.outputs.keys()].join(', ')}: the model file does not match its registry entry (a facekit bug)`);
  return data;
}

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

/**
 * YuNet decoder (OpenCV `FaceDetectorYN`, 2023mar and later): per stride s, outputs
 * `cls_s`, `obj_s` [1,N,1], `bbox_s` [1,N,4], `kps_s` [1,N,10] with N = (H/s)·(W/s), one anchor
 * per cell. score = sqrt(clamp(cls)·clamp(obj)); centre = (col + dx, row + dy)·s;
 * size = exp(dw, dh)·s; keypoints = (col + kx, row + ky)·s. YuNet lists the keypoints as
 * right eye, left eye, nose, right mouth, left mouth of the *subject*, which in image
 * orientation is the same left-to-right order as SCRFD's.
 */
export function decodeYunet(input: DecodeInput): DetectionCandidate[] {
  const out: DetectionCandidate[] = [];
  for (const stride of STRIDES) {
    const cls = byName(input, `cls_${stride}`);
    const obj = byName(input, `obj_${stride}`);
    const bbox = byName(input, `bbox_${stride}`);
    const kps = byName(input, `kps_${stride}`);
    const cols = Math.floor(input.inputWidth / stride);
    const rows = Math.floor(input.inputHeight / stride);
    const count = rows * cols;
    if (cls.length !== count || bbox.length !== count * 4 || kps.length !== count * 10) {
      throw new FaceKitError('INTERNAL', `YuNet stride ${stride}: expected ${count} anchors for a ${input.inputWidth}×${input.inputHeight} input, got ${cls.length}; the model file does not match its registry entry (a facekit bug)`);
    }
    for (let i = 0; i < count; i++) {
      const score = Math.sqrt(clamp01(cls[i]!) * clamp01(obj[i]!));
      if (score < input.minScore) continue;
      const col = i % cols;
      const row = (i / cols) | 0;
      const cx = (col + bbox[i * 4]!) * stride;
      const cy = (row + bbox[i * 4 + 1]!) * stride;
      const w = Math.exp(bbox[i * 4 + 2]!) * stride;
      const h = Math.exp(bbox[i * 4 + 3]!) * stride;
      const k = i * 10;
      const keypoints = [0, 1, 2, 3, 4].map((j) => [(col + kps[k + 2 * j]!) * stride, (row + kps[k + 2 * j + 1]!) * stride]) as Keypoints5;
      out.push({ box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], score, keypoints });
    }
  }
  return out;
}
