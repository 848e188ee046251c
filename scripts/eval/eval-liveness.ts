// Passive liveness (MiniFASNetV2 + V1SE, fused as Silent-Face does) on shared/data, in Node
// (onnxruntime-web wasm): the most confident det_500m face of every spoof-dev photo and of real
// single-face photos in data/images. EXIF orientation is applied, as the browser decodes.
//   pnpm eval:liveness [-- --threshold 0.88] [--json out.json]
// Prints one table, APCER / BPCER at the threshold (spoof-dev and the extra real photos apart),
// the threshold the calibration rule picks on spoof-dev, then one JSON line (the summary; --json
// also writes every row). The extra photos are web portraits (stock, studio, a scanned print),
// not live camera captures: MiniFASNet often calls those spoofs, so read their BPCER as such.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_LIVENESS_THRESHOLD, LIVENESS_CALIBRATION, MODELS, livenessErrorRates, thresholdAboveSpoofs, type ModelSpec,
} from '@facekit/core';
import { decodeImageFileOriented } from '@facekit/test-support/exif';
import { createNodeLiveness } from '@facekit/test-support/liveness-runtime';
import { createNodeDetector, IMAGES_DIR, SHARED_DIR } from '@facekit/test-support/node';

const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : undefined; };
const threshold = Number(opt('threshold') ?? DEFAULT_LIVENESS_THRESHOLD);
const jsonOut = opt('json');

const SPOOF_DEV = join(SHARED_DIR, 'data/spoof-dev');
/** Real single-face photos outside spoof-dev (data/images/MANIFEST.md), relative to IMAGES_DIR. */
const EXTRA_REAL = [
  'uniface/src_man1.jpg', 'uniface/src_man2.jpg', 'uniface/src_man3.jpg', 'uniface/src_portrait1.jpg', 'uniface/einstein.png',
  ...['bruce', 'jake', 'kid', 'eyes_open_open', 'eyes_closed_open', 'eyes_closed_closed'].map((n) => `faceonnx/landmarks/${n}.jpg`),
  'ppu_uniface/image-kevin1.png', 'ppu_uniface/image-kevin2.jpg', 'ppu_uniface/image-magnus1.png', 'ppu_uniface/image-magnus2.png',
  'ppu_uniface/image-haaland1.jpeg', 'ppu_uniface/image-haaland2.png',
  ...['brad', 'nicole', 'sarah'].flatMap((p) => [1, 2, 3].map((i) => `faceonnx/verification/${p}_${i}.jpg`)),
];

interface Item { set: 'spoof-dev' | 'extra'; file: string; path: string; label: 'real' | 'spoof' }
const items: Item[] = [
  ...(['real', 'spoof'] as const).flatMap((label) => readdirSync(join(SPOOF_DEV, label)).sort().map((f): Item => ({ set: 'spoof-dev', file: `spoof-dev/${label}/${f}`, path: join(SPOOF_DEV, label, f), label }))),
  ...EXTRA_REAL.map((f): Item => ({ set: 'extra', file: `images/${f}`, path: join(IMAGES_DIR, f), label: 'real' })),
];

const specs: ModelSpec[] = [MODELS.minifasnet_v2, MODELS.minifasnet_v1se];
const detector = await createNodeDetector(MODELS.det_500m);
const liveness = await createNodeLiveness(specs);
interface Row extends Item { v2: number | null; v1se: number | null; fused: number | null; note: string }
const rows: Row[] = [];
const started = Date.now();
try {
  for (const [i, item] of items.entries()) {
    process.stderr.write(`\r${i + 1}/${items.length} ${item.file.padEnd(60)}`);
    try {
      const image = decodeImageFileOriented(item.path);
      const face = (await detector.detect(image)).faces[0];
      if (!face) { rows.push({ ...item, v2: null, v1se: null, fused: null, note: 'no face' }); continue; }
      const r = (await liveness.check(image, [face.box])).faces[0]!;
      rows.push({ ...item, v2: r.perModel.minifasnet_v2!, v1se: r.perModel.minifasnet_v1se!, fused: r.score, note: image.orientation !== 1 ? `EXIF ${image.orientation}` : '' });
    } catch (e) {
      rows.push({ ...item, v2: null, v1se: null, fused: null, note: `error: ${(e as Error).message}` });
    }
  }
} finally {
  process.stderr.write('\n');
  await detector.release();
  await liveness.release();
}

const f3 = (v: number | null) => (v === null ? '   -  ' : v.toFixed(4));
const width = Math.max(...rows.map((r) => r.file.length));
console.log(`${'file'.padEnd(width)}  label  V2 real  V1SE real  fused   decision @ ${threshold}`);
for (const r of rows) {
  const decision = r.fused === null ? '' : r.fused >= threshold ? 'real' : 'spoof';
  const wrong = r.fused !== null && decision !== r.label ? ' ✗' : '';
  console.log(`${r.file.padEnd(width)}  ${r.label.padEnd(5)}  ${f3(r.v2)}   ${f3(r.v1se)}     ${f3(r.fused)}  ${decision}${wrong}${r.note ? `  (${r.note})` : ''}`);
}

const scores = (set: Item['set'], label: Item['label']) => rows.filter((r) => r.set === set && r.label === label && r.fused !== null).map((r) => r.fused!);
const pct = (x: number) => (Number.isNaN(x) ? 'n/a' : `${(100 * x).toFixed(1)} %`);
const dev = livenessErrorRates(scores('spoof-dev', 'real'), scores('spoof-dev', 'spoof'), threshold);
const extra = livenessErrorRates(scores('extra', 'real'), [], threshold);
const devReal = scores('spoof-dev', 'real').length, devSpoof = scores('spoof-dev', 'spoof').length, extraReal = scores('extra', 'real').length;
console.log(`\nthreshold ${threshold} (fused real probability ≥ threshold → real; default ${DEFAULT_LIVENESS_THRESHOLD})`);
console.log(`spoof-dev:   APCER ${pct(dev.apcer)} (${dev.spoofsAccepted}/${devSpoof} spoofs accepted), BPCER ${pct(dev.bpcer)} (${dev.realsRejected}/${devReal} reals rejected)`);
console.log(`extra real:  BPCER ${pct(extra.bpcer)} (${extra.realsRejected}/${extraReal} reals rejected); no spoofs in this set`);
const missing = rows.filter((r) => r.fused === null);
if (missing.length) console.log(`no score (no face or error), left out: ${missing.map((r) => `${r.file} (${r.note})`).join(', ')}`);
const suggested = thresholdAboveSpoofs(scores('spoof-dev', 'real'), scores('spoof-dev', 'spoof'));
console.log(`calibration rule on spoof-dev (midpoint of the highest spoof and the next real above it): ${suggested.toFixed(4)}; recorded: ${LIVENESS_CALIBRATION.threshold}`);
console.log(`${rows.length} photos in ${((Date.now() - started) / 1000).toFixed(0)} s`);

const summary = {
  threshold, models: specs.map((s) => s.id), detector: 'det_500m', exifApplied: true,
  spoofDev: { reals: devReal, spoofs: devSpoof, ...dev },
  extraReal: { reals: extraReal, bpcer: extra.bpcer, realsRejected: extra.realsRejected },
  suggestedThreshold: suggested, missing: missing.length,
};
// The file also holds every row; the printed line is the summary.
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ ...summary, rows: rows.map((r) => ({ file: r.file, label: r.label, v2: r.v2, v1se: r.v1se, fused: r.fused })) }, null, 2));
console.log(JSON.stringify(summary));
