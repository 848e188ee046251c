import type { DecodeInput, DetectionCandidate, Keypoints5 } from './detection-types.js';
import { FaceKitError } from '../errors.js';

const STRIDES = [8, 16, 32] as const;
const ANCHORS_PER_CELL = 2;

function output(input: DecodeInput, index: number): Float32Array {
  const name = input.outputNames[index];
  const data = name === undefined ? undefined : input.outputs.get(name);
  if (!data) throw new FaceKitError('INTERNAL', `SCRFD output #${index} (${name ?? 'missing'}) not found; got ${[...input.outputs.keys()].join(', ')}: the model file does not match its registry entry (a facekit bug)`);
  return data;
}

/**
 * SCRFD decoder (InsightFace `scrfd.py`): for each stride s in 8/16/32 the graph gives, in
 * output order, scores [N,1] (already sigmoid), box distances [N,4] and keypoint
 * offsets [N,10], N = 2·(H/s)·(W/s). Anchor centres are cell corners (x·s, y·s), each repeated
 * for its 2 anchors; distances and offsets are in stride units.
 */
export function decodeScrfd(input: DecodeInput): DetectionCandidate[] {
  const n = input.outputNames.length;
  if (n !== 9) throw new FaceKitError('INTERNAL', `SCRFD with keypoints has 9 outputs (scores, boxes, keypoints × 3 strides), got ${n}: facekit needs the 5-keypoint (_kps) variant`);
  const out: DetectionCandidate[] = [];
  STRIDES.forEach((stride, level) => {
    const scores = output(input, level);
    const dists = output(input, level + 3);
    const kps = output(input, level + 6);
    const cols = Math.floor(input.inputWidth / stride);
    const rows = Math.floor(input.inputHeight / stride);
    const count = rows * cols * ANCHORS_PER_CELL;
    if (scores.length !== count || dists.length !== count * 4 || kps.length !== count * 10) {
      throw new FaceKitError('INTERNAL', `SCRFD stride ${stride}: expected ${count} anchors for a ${input.inputWidth}×${input.inputHeight} input, got ${scores.length}; the model file does not match its registry entry (a facekit bug)`);
    }
    for (let i = 0; i < count; i++) {
      const score = scores[i]!;
      if (score < input.minScore) continue;
      const cell = (i / ANCHORS_PER_CELL) | 0;
      const cx = (cell % cols) * stride;
      const cy = ((cell / cols) | 0) * stride;
      const d = i * 4;
      const k = i * 10;
      const keypoints = [0, 1, 2, 3, 4].map((j) => [cx + kps[k + 2 * j]! * stride, cy + kps[k + 2 * j + 1]! * stride]) as Keypoints5;
      out.push({
        box: [cx - dists[d]! * stride, cy - dists[d + 1]! * stride, cx + dists[d + 2]! * stride, cy + dists[d + 3]! * stride],
        score,
        keypoints,
      });
    }
  });
  return out;
}
