// FDDB-style detection evaluation of the real SDK in headless Chromium.
//   pnpm eval:detect -- --fddb <dir> [--folds 1[,2…]] [--model det_500m] [--size 640] [--shape fit|square]
//                       [--min-score 0.02] [--json out.json]
// <dir> holds FDDB-folds/FDDB-fold-NN{,-ellipseList}.txt and originalPics/<path>.jpg.
// A detection is a true positive at IoU ≥ 0.5 with an ellipse's bounding box (greedy by score).
// Ellipse boxes are clipped to the image first: FDDB ellipses of faces cut by the border reach
// outside the picture, where no detector can see (unclipped, 6 of det_500m's 505 faces fail
// IoU 0.5 only for that reason).
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { clipBox, evaluateDetections, parseFddbEllipses, type Box, type FddbImage } from '@facekit/core';
import { openBrowserSession, parseArgs } from '@facekit/test-support/browser-session';

const args = parseArgs(process.argv.slice(2));
const dir = args.get('fddb');
if (typeof dir !== 'string' || !existsSync(resolve(dir, 'FDDB-folds'))) {
  console.error('usage: pnpm eval:detect -- --fddb <dir with FDDB-folds/ and originalPics/> [--folds 1] [--model det_500m] [--size 640] [--json out]');
  process.exit(2);
}
const fddb = resolve(dir);
const model = String(args.get('model') ?? 'det_500m');
const size = Number(args.get('size') ?? 640);
const inputShape = String(args.get('shape') ?? 'fit') as 'fit' | 'square';
const minScore = Number(args.get('min-score') ?? 0.02);
const available = readdirSync(resolve(fddb, 'FDDB-folds')).map((f) => /^FDDB-fold-(\d+)-ellipseList\.txt$/.exec(f)?.[1]).filter((x): x is string => !!x).map(Number);
const folds = typeof args.get('folds') === 'string' ? String(args.get('folds')).split(',').map(Number) : available;
const images: FddbImage[] = folds.flatMap((n) =>
  parseFddbEllipses(readFileSync(resolve(fddb, `FDDB-folds/FDDB-fold-${String(n).padStart(2, '0')}-ellipseList.txt`), 'utf8')));

const session = await openBrowserSession({ dataDir: fddb });
const started = Date.now();
let detections: { width: number; height: number; faces: { box: Box; score: number }[]; error: string }[];
try {
  detections = await session.page.evaluate(async ({ paths, model, size, minScore, inputShape }) => {
    const kit = await window.facekit.createFaceKit({ detector: model });
    const out = [];
    for (const p of paths) {
      try {
        const d = await kit.detect(await window.fetchBlob(`/__data/originalPics/${p.split('/').map(encodeURIComponent).join('/')}.jpg`), { inputSize: size, minScore, inputShape });
        out.push({ width: d.width, height: d.height, faces: d.faces.map((f) => ({ box: f.box, score: f.score })), error: '' });
      } catch (e) {
        // An unreadable image counts as one with no detections (its faces are misses).
        out.push({ width: Infinity, height: Infinity, faces: [], error: `${p}: ${(e as Error).message}` });
      }
    }
    await kit.dispose();
    return out;
  }, { paths: images.map((i) => i.path), model, size, minScore, inputShape });
} finally {
  await session.close();
}
const seconds = (Date.now() - started) / 1000;
const unreadable = detections.filter((d) => d.error).map((d) => d.error);
if (unreadable.length) console.error(`${unreadable.length} image(s) could not be read:\n  ${unreadable.slice(0, 10).join('\n  ')}`);
const m = evaluateDetections(images.map((img, i) => {
  const d = detections[i]!;
  return { truth: img.faces.map((b) => clipBox(b, d.width, d.height)), detections: d.faces };
}), [100, 500, 1000], 0.5);
const summary = {
  model, size, inputShape, minScore, folds, images: images.length, faces: m.positives, detections: m.detections,
  tprAt100: m.tprAtFp[100]!, tprAt500: m.tprAtFp[500]!, tprAt1000: m.tprAtFp[1000]!, ap: m.ap, unreadable: unreadable.length, seconds,
};
console.log(`FDDB folds ${folds.join(',')}: ${images.length} images, ${m.positives} faces, ${m.detections} detections (${model} @ ${size} ${inputShape}, score ≥ ${minScore}, ${seconds.toFixed(1)} s)`);
console.log(`TPR @  100 FP: ${summary.tprAt100.toFixed(4)}`);
console.log(`TPR @  500 FP: ${summary.tprAt500.toFixed(4)}`);
console.log(`TPR @ 1000 FP: ${summary.tprAt1000.toFixed(4)}`);
console.log(`AP (IoU 0.5):  ${summary.ap.toFixed(4)}`);
const json = args.get('json');
if (typeof json === 'string') writeFileSync(json, JSON.stringify(summary, null, 2));
console.log(JSON.stringify(summary));
