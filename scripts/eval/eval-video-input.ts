// Which detector input size does live video need? Faces from lfw-dev placed in a 640×480 frame
// as a webcam would show them (eyes ≈ 80 px apart: 'near'; ≈ 40 px: 'far', under the quality
// gate's 60 px), detected at several input sizes: how often the face is found, how far its
// keypoints land from the 640 pass's, and how much that moves the embedding (cosine with the
// embedding aligned on the 640 keypoints), plus detector ms. Runs in Node on the core pipeline.
//   pnpm eval:video-input [-- --images 200]
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS, interocularDistance, type DetectedFace } from '@facekit/core';
import { SHARED_DIR, createNodeDetector, createNodeRecognizer, decodeImageFile, type RgbaImage } from '@facekit/test-support/node';
import { median, parseArgs } from '@facekit/test-support/browser-session';

const args = parseArgs(process.argv.slice(2));
const count = Number(args.get('images') ?? 200);
const SIZES = [160, 224, 320, 480, 640];
const FRAME = { width: 640, height: 480 };

/** The photo scaled by `scale` and centred on a grey 640×480 frame (nearest-neighbour is enough for placement; bilinear below). */
function place(img: RgbaImage, scale: number): RgbaImage {
  const out = new Uint8ClampedArray(FRAME.width * FRAME.height * 4).fill(128);
  const w = Math.round(img.width * scale), h = Math.round(img.height * scale);
  const x0 = (FRAME.width - w) >> 1, y0 = (FRAME.height - h) >> 1;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const sx = Math.min(img.width - 1, Math.max(0, (x + 0.5) / scale - 0.5)), sy = Math.min(img.height - 1, Math.max(0, (y + 0.5) / scale - 0.5));
    const ix = Math.floor(sx), iy = Math.floor(sy), fx = sx - ix, fy = sy - iy;
    const ix1 = Math.min(ix + 1, img.width - 1), iy1 = Math.min(iy + 1, img.height - 1);
    for (let c = 0; c < 4; c++) {
      const v = (1 - fy) * ((1 - fx) * img.data[(iy * img.width + ix) * 4 + c]! + fx * img.data[(iy * img.width + ix1) * 4 + c]!)
        + fy * ((1 - fx) * img.data[(iy1 * img.width + ix) * 4 + c]! + fx * img.data[(iy1 * img.width + ix1) * 4 + c]!);
      out[((y0 + y) * FRAME.width + x0 + x) * 4 + c] = v;
    }
  }
  return { data: out, ...FRAME };
}

const dir = join(SHARED_DIR, 'data/lfw-dev/images');
const files = readdirSync(dir).sort().flatMap((n) => readdirSync(join(dir, n)).sort().map((f) => join(dir, n, f))).slice(0, count);
const det = await createNodeDetector(MODELS.det_500m, 2);
const rec = await createNodeRecognizer(MODELS.fr_feature, 2);
type Row = { found: number; n: number; kpErr: number[]; cos: number[]; ms: number[] };
const table: Record<string, Record<number, Row>> = {};
const distances = { near: 1.92, far: 0.96 }; // 250 px LFW photo → 480 px (eyes ≈ 80 px) / 240 px (≈ 40 px)
for (const [i, file] of files.entries()) {
  if (i % 10 === 0) process.stdout.write(`\r${i + 1}/${files.length}   `);
  const photo = decodeImageFile(file);
  for (const [dist, scale] of Object.entries(distances)) {
    const frame = place(photo, scale);
    const main = (faces: DetectedFace[]) => faces.reduce<DetectedFace | undefined>((a, b) => (!a || interocularDistance(b.keypoints) > interocularDistance(a.keypoints) ? b : a), undefined);
    const refFace = main((await det.detect(frame, { inputSize: 640, retryTightCrops: false })).faces);
    if (!refFace) continue;
    const ref = (await rec.embedFaces(frame, [refFace])).embeddings[0]!;
    const iod = interocularDistance(refFace.keypoints);
    for (const size of SIZES) {
      const row = ((table[dist] ??= {})[size] ??= { found: 0, n: 0, kpErr: [], cos: [], ms: [] });
      row.n++;
      const run = await det.detect(frame, { inputSize: size, retryTightCrops: false });
      row.ms.push(run.timings.inference);
      const f = main(run.faces);
      if (!f) continue;
      row.found++;
      row.kpErr.push(median(f.keypoints.map((p, k) => Math.hypot(p[0] - refFace.keypoints[k]![0], p[1] - refFace.keypoints[k]![1]))) / iod);
      const e = (await rec.embedFaces(frame, [f])).embeddings[0]!;
      row.cos.push(e.reduce((s, v, k) => s + v * ref[k]!, 0));
    }
  }
}
await det.release();
await rec.release();
process.stdout.write('\n');
console.log(`${files.length} lfw-dev faces in a 640×480 frame; reference: det_500m @ 640 keypoints`);
console.log('distance | input | found | keypoint error (median, % of eye distance) | embedding cosine vs 640 (median / 5th pct) | detector inference ms (median, Node wasm 2 threads)');
const summary: Record<string, unknown> = {};
for (const [dist, rows] of Object.entries(table)) {
  for (const size of SIZES) {
    const r = rows[size]!;
    const cos = [...r.cos].sort((a, b) => a - b);
    const p5 = cos[Math.floor(0.05 * cos.length)] ?? NaN;
    console.log(`${dist} | ${size} | ${(100 * r.found / r.n).toFixed(1)} % | ${(100 * median(r.kpErr)).toFixed(1)} % | ${median(r.cos).toFixed(4)} / ${p5.toFixed(4)} | ${median(r.ms).toFixed(1)}`);
    summary[`${dist}@${size}`] = { found: r.found / r.n, kpErr: median(r.kpErr), cosMedian: median(r.cos), cosP5: p5, ms: median(r.ms) };
  }
}
console.log(JSON.stringify(summary));
