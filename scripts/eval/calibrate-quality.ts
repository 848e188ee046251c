// Calibrates the quality gate's sharpness threshold (variance of the Laplacian of the 112×112
// aligned grey face crop, as analyzeFrame measures it) on real photos: every lfw-dev image and
// the shared single-face photos, sharp as they are and blurred (Gaussian, σ in crop pixels,
// what a defocused or moving face looks like at that size). Prints percentiles, then one JSON line.
//   pnpm calibrate:quality [-- --lfw ../shared/data/lfw-dev/images]
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MODELS } from '@facekit/core';
import { alignedFaceCrop } from '@facekit/core';
import { interocularDistance } from '@facekit/core';
import { laplacianVariance, rgbaToGray } from '@facekit/core';
import { IMAGES_DIR, SHARED_DIR, createNodeDetector, cropPixels, decodeImageFile } from '@facekit/test-support/node';
import { parseArgs } from '@facekit/test-support/browser-session';

const args = parseArgs(process.argv.slice(2));
const lfwDir = resolve(String(args.get('lfw') ?? join(SHARED_DIR, 'data/lfw-dev/images')));
const SIGMAS = [1, 1.5, 2, 3];
const CROP = 112;

function gaussianBlurGray(gray: Float32Array, w: number, h: number, sigma: number): Float32Array {
  const r = Math.ceil(3 * sigma);
  const k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const s = k.reduce((a, b) => a + b, 0);
  const kernel = k.map((v) => v / s);
  const tmp = new Float32Array(w * h), out = new Float32Array(w * h);
  const clamp = (v: number, hi: number) => (v < 0 ? 0 : v > hi ? hi : v);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let a = 0;
    for (let i = -r; i <= r; i++) a += kernel[i + r]! * gray[y * w + clamp(x + i, w - 1)]!;
    tmp[y * w + x] = a;
  }
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let a = 0;
    for (let i = -r; i <= r; i++) a += kernel[i + r]! * tmp[clamp(y + i, h - 1) * w + x]!;
    out[y * w + x] = a;
  }
  return out;
}

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]!; };

const files: { set: string; path: string }[] = [];
for (const name of readdirSync(lfwDir)) for (const f of readdirSync(join(lfwDir, name))) files.push({ set: 'lfw-dev', path: join(lfwDir, name, f) });
for (const rel of ['uniface/src_man1.jpg', 'uniface/src_man2.jpg', 'uniface/src_man3.jpg', 'uniface/src_portrait1.jpg', 'uniface/einstein.png',
  'faceonnx/landmarks/bruce.jpg', 'faceonnx/landmarks/jake.jpg', 'faceonnx/landmarks/kid.jpg', 'faceonnx/landmarks/eyes_open_open.jpg',
  'ppu_uniface/image-kevin1.png', 'ppu_uniface/image-kevin2.jpg', 'ppu_uniface/image-magnus1.png', 'ppu_uniface/image-magnus2.png',
  'ppu_uniface/image-haaland1.jpeg', 'ppu_uniface/image-haaland2.png', 'faceonnx/verification/brad_1.jpg', 'faceonnx/verification/nicole_1.jpg']) {
  files.push({ set: 'photos', path: join(IMAGES_DIR, rel) });
}

const det = await createNodeDetector(MODELS.det_500m, 2);
const sharp: Record<string, number[]> = { 'lfw-dev': [], photos: [] };
const blurred: Record<number, number[]> = Object.fromEntries(SIGMAS.map((s) => [s, []]));
let noFace = 0;
for (const [i, f] of files.entries()) {
  if (i % 25 === 0 || i === files.length - 1) process.stdout.write(`\r${i + 1}/${files.length} ${f.set}   `);
  const image = decodeImageFile(f.path);
  const faces = (await det.detect(image)).faces;
  if (!faces.length) { noFace++; continue; }
  const face = faces.reduce((a, b) => (interocularDistance(b.keypoints) > interocularDistance(a.keypoints) ? b : a));
  // The crop analyzeFrame measures.
  const crop = await alignedFaceCrop({ width: image.width, height: image.height, read: (r) => cropPixels(image, r) }, face.keypoints);
  const gray = rgbaToGray(crop, CROP, CROP);
  sharp[f.set]!.push(laplacianVariance(gray, CROP, CROP));
  for (const s of SIGMAS) blurred[s]!.push(laplacianVariance(gaussianBlurGray(gray, CROP, CROP, s), CROP, CROP));
}
await det.release();
process.stdout.write('\n');
const row = (name: string, xs: number[]) => console.log(`${name.padEnd(22)} n=${String(xs.length).padStart(4)}  p1 ${pct(xs, 0.01).toFixed(0).padStart(5)}  p5 ${pct(xs, 0.05).toFixed(0).padStart(5)}  p50 ${pct(xs, 0.5).toFixed(0).padStart(5)}  p95 ${pct(xs, 0.95).toFixed(0).padStart(5)}  p99 ${pct(xs, 0.99).toFixed(0).padStart(5)}`);
console.log('variance of the Laplacian, 112×112 aligned grey crop of the main face');
row('lfw-dev (as is)', sharp['lfw-dev']!);
row('photos (as is)', sharp.photos!);
for (const s of SIGMAS) row(`all, blurred σ=${s} px`, blurred[s]!);
console.log(`no face: ${noFace}`);
console.log(JSON.stringify({
  sharp: Object.fromEntries(Object.entries(sharp).map(([k, v]) => [k, { p1: pct(v, 0.01), p5: pct(v, 0.05), p50: pct(v, 0.5) }])),
  blurred: Object.fromEntries(SIGMAS.map((s) => [s, { p50: pct(blurred[s]!, 0.5), p95: pct(blurred[s]!, 0.95), p99: pct(blurred[s]!, 0.99) }])),
  noFace,
}));
