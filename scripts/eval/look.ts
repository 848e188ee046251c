// kevin2 & others: liveness from the 640 full-pass box vs 320 vs region 160, in cover/contain 720p frames.
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { MODELS } from '../../packages/core/src/registry/models.js';
import { regionRect } from '../../packages/core/src/pipeline/frame.js';
import { mainFaceIndex } from '../../packages/core/src/quality/quality-gate.js';
import { boxInKeypointFrame } from '../../packages/core/src/geometry/keypoint-box.js';
import { createNodeLiveness } from '../../packages/core/test-support/liveness.js';
import { createNodeDetector, cropPixels, SHARED_DIR, type RgbaImage } from '../../packages/core/test-support/node.js';
function frame(path: string, fit: string): RgbaImage {
  const vf = fit === 'cover' ? 'scale=1280:720:force_original_aspect_ratio=increase:flags=bicubic,crop=1280:720,format=yuv420p,format=rgba'
    : 'scale=1280:720:force_original_aspect_ratio=decrease:flags=bicubic,pad=1280:720:(ow-iw)/2:(oh-ih)/2:0x808080,format=yuv420p,format=rgba';
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', path, '-vf', vf, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], { maxBuffer: 1 << 28 });
  return { data: new Uint8ClampedArray(r.stdout.buffer, r.stdout.byteOffset, r.stdout.length), width: 1280, height: 720 };
}
const det = await createNodeDetector(MODELS.det_500m, 2);
const live = await createNodeLiveness([MODELS.minifasnet_v2, MODELS.minifasnet_v1se], 2);
for (const [f, fit] of [['images/ppu_uniface/image-kevin2.jpg', 'cover'], ['images/ppu_uniface/image-kevin2.jpg', 'contain'], ['images/ppu_uniface/image-kevin1.png', 'contain'], ['images/ppu_uniface/image-magnus2.png', 'contain'], ['images/ppu_uniface/image-haaland2.png', 'contain'], ['images/ppu_uniface/image-magnus1.png', 'contain']]) {
  const img = frame(join(SHARED_DIR, 'data', f!), fit!);
  const boxes = [];
  const out: string[] = [];
  for (const size of [640, 320]) {
    const faces = (await det.detect(img, { inputSize: size })).faces; const m = mainFaceIndex(faces); boxes.push(faces[m]!);
  }
  const rect = regionRect(boxes[1]!.box, 1280, 720);
  const rf = (await det.detect({ data: cropPixels(img, rect), width: rect.width, height: rect.height }, { inputSize: 160, retryTightCrops: false })).faces;
  const r = rf[mainFaceIndex(rf)]!;
  const rb = { box: [r.box[0] + rect.x, r.box[1] + rect.y, r.box[2] + rect.x, r.box[3] + rect.y], keypoints: r.keypoints.map(([x, y]) => [x + rect.x, y + rect.y]) };
  const all = [...boxes, rb];
  const s = (await live.check(img, all.map((b) => b.box as any))).faces.map((x) => x.score.toFixed(3));
  const t = all.map((b) => boxInKeypointFrame(b.box as any, b.keypoints as any).map((v) => v.toFixed(1)).join(','));
  console.log(f, fit, '640/320/160 scores', s.join(' '), '| templates', t.join(' | '));
}
