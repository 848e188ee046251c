// How much passive liveness moves with the box it is given, on camera frames of real photos and
// spoof-dev: the detector's box from a full pass (320) and from a region pass (160, in the crop
// around the box), against an anchored box (the two passes' boxes averaged in their keypoints'
// frame, then placed by each pass's keypoints: what createCropAnchor settles on). With --fit,
// also the mean det_500m box in ArcFace-template coordinates (KEYPOINT_BOX_TEMPLATE).
//   pnpm exec tsx scripts/eval/liveness-crops.ts [-- --fit]
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS } from '@facekit/core';
import { regionRect } from '@facekit/core';
import { mainFaceIndex } from '@facekit/core';
import { applyAffine, arcfaceAlignment } from '@facekit/core';
import { boxInKeypointFrame, keypointFaceBox } from '@facekit/core';
import type { Box } from '@facekit/core';
import type { Keypoints5 } from '@facekit/core';
import { meanStd } from '@facekit/core';
import { createNodeLiveness } from '@facekit/test-support/liveness-runtime';
import { createNodeDetector, cropPixels, SHARED_DIR, type RgbaImage } from '@facekit/test-support/node';
import { parseArgs } from '@facekit/test-support/browser-session';
import { cameraFrame } from './eye-features.js';

const args = parseArgs(process.argv.slice(2));
const DATA = join(SHARED_DIR, 'data');
const files: { path: string; frame: [number, number]; fit?: 'cover' }[] = [];
// kevin2 as e2e/liveness.spec.ts streams it: filling a 720p frame.
files.push({ path: join(DATA, 'images/ppu_uniface/image-kevin2.jpg'), frame: [1280, 720], fit: 'cover' });
for (const f of ['images/ppu_uniface/image-kevin1.png', 'images/ppu_uniface/image-kevin2.jpg', 'images/ppu_uniface/image-magnus1.png', 'images/ppu_uniface/image-haaland1.jpeg']) files.push({ path: join(DATA, f), frame: [1280, 720] });
for (const d of ['real', 'spoof']) for (const f of readdirSync(join(DATA, 'spoof-dev', d))) files.push({ path: join(DATA, 'spoof-dev', d, f), frame: [1280, 720] });
const lfw = join(DATA, 'lfw-dev/images');
const people = readdirSync(lfw).sort();
for (let i = 0; i < people.length; i += args.get('fit') ? 1 : 10) files.push({ path: join(lfw, people[i]!, readdirSync(join(lfw, people[i]!))[0]!), frame: [640, 480] });

const det = await createNodeDetector(MODELS.det_500m, 2);
const live = await createNodeLiveness([MODELS.minifasnet_v2, MODELS.minifasnet_v1se], 2);
const template: number[][] = [];
const spread = { det: [] as number[], anchored: [] as number[] };
const rows: string[] = [];
for (const [i, f] of files.entries()) {
  process.stdout.write(`\r${i + 1}/${files.length}`);
  const image = cameraFrame(f.path, ...f.frame, f.fit);
  // The box the still-image threshold was calibrated on: det_500m at 640.
  const still = (await det.detect(image)).faces;
  const stillBox = still[mainFaceIndex(still, image)]?.box;
  const full = (await det.detect(image, { inputSize: 320 })).faces;
  const m = mainFaceIndex(full);
  if (m < 0) continue;
  const face = full[m]!;
  // The det box in template coordinates (for --fit).
  const a = arcfaceAlignment(face.keypoints);
  const [x1, y1] = applyAffine(a, [face.box[0], face.box[1]]), [x2, y2] = applyAffine(a, [face.box[2], face.box[3]]);
  template.push([x1, y1, x2, y2]);
  const rect = regionRect(face.box, image.width, image.height);
  const crop: RgbaImage = { data: cropPixels(image, rect), width: rect.width, height: rect.height };
  const rf = (await det.detect(crop, { inputSize: 160, retryTightCrops: false })).faces;
  const rm = mainFaceIndex(rf);
  if (rm < 0) continue;
  const r = rf[rm]!;
  const rBox: Box = [r.box[0] + rect.x, r.box[1] + rect.y, r.box[2] + rect.x, r.box[3] + rect.y];
  const rKps = r.keypoints.map(([x, y]) => [x + rect.x, y + rect.y]) as Keypoints5;
  // The track's anchor: the two passes' det boxes in their keypoints' frames, averaged (what a
  // running mean over full and region passes settles near), then placed by each pass's keypoints.
  const tf = boxInKeypointFrame(face.box, face.keypoints), tr = boxInKeypointFrame(rBox, rKps);
  const anchor = tf.map((v, j) => (v + tr[j]!) / 2) as Box;
  const s = (await live.check(image, [face.box, rBox, keypointFaceBox(face.keypoints, anchor), keypointFaceBox(rKps, anchor), stillBox ?? face.box])).faces.map((x) => x.score);
  spread.det.push(Math.abs(s[0]! - s[1]!));
  spread.anchored.push(Math.abs(s[2]! - s[3]!));
  rows.push(`${`${f.path.split('/').slice(-2).join('/')}${f.fit ? ' (cover)' : ''}`.padEnd(44)} det full ${s[0]!.toFixed(3)} region ${s[1]!.toFixed(3)} | anchored full ${s[2]!.toFixed(3)} region ${s[3]!.toFixed(3)} | still (640) ${s[4]!.toFixed(3)}`);
}
process.stdout.write('\n');
for (const r of rows.slice(0, 40)) console.log(r);
const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
for (const [k, v] of Object.entries(spread)) console.log(`${k} box: |full − region| liveness: mean ${meanStd(v).mean.toFixed(3)}, p90 ${q(v, 0.9).toFixed(3)}, max ${Math.max(...v).toFixed(3)} (n ${v.length})`);
if (args.get('fit')) {
  const med = (j: number) => q(template.map((t) => t[j]!), 0.5);
  console.log(`det_500m box in ArcFace-112 template coordinates (median of ${template.length}): [${[0, 1, 2, 3].map((j) => med(j).toFixed(1)).join(', ')}]`);
}
await det.release(); await live.release();
