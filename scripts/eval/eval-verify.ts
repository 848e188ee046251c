// LFW-protocol verification of the real SDK in headless Chromium.
//   pnpm eval:verify -- --pairs <pairs.txt> --images <dir> [--model fr_feature] [--detector det_500m] [--size 640] [--flip] [--json out]
// Per fold, the threshold is chosen on the other folds; with one fold, the best threshold on
// that fold (labelled as such). A pair with a face not found counts as a wrong answer.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { evaluateVerification, parseLfwPairs, type ScoredPair } from '@facekit/core';
import { openBrowserSession, parseArgs } from '@facekit/test-support/browser-session';
import { cosine, embedImages } from './lfw-embeddings.js';

const args = parseArgs(process.argv.slice(2));
const pairsFile = args.get('pairs');
const imagesDir = args.get('images');
if (typeof pairsFile !== 'string' || typeof imagesDir !== 'string') {
  console.error('usage: pnpm eval:verify -- --pairs <pairs.txt> --images <dir> [--model fr_feature] [--detector det_500m] [--size 640] [--flip] [--json out]');
  process.exit(2);
}
const model = String(args.get('model') ?? 'fr_feature');
const detector = String(args.get('detector') ?? 'det_500m');
const flip = args.get('flip') === true;
const inputSize = Number(args.get('size') ?? 640);
const { pairs, folds } = parseLfwPairs(readFileSync(pairsFile, 'utf8'));
const images = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];

const started = Date.now();
const session = await openBrowserSession({ dataDir: resolve(imagesDir) });
let emb: Map<string, Float32Array | null>;
try {
  session.page.on('console', (m) => { if (m.type() === 'error') console.error(`page: ${m.text()}`); });
  emb = await embedImages(session.page, images, { recognizer: model, detector, flip, inputSize, onProgress: (d, t) => process.stderr.write(`\rembedded ${d}/${t}`) });
  process.stderr.write('\n');
} finally {
  await session.close();
}
const missingImages = images.filter((p) => emb.get(p) === null);
const scored: ScoredPair[] = pairs.map((p) => {
  const a = emb.get(p.a), b = emb.get(p.b);
  return { similarity: a && b ? cosine(a, b) : null, same: p.same, fold: p.fold };
});
const r = evaluateVerification(scored, [1e-2, 1e-3]);
const pct = (x: number) => (100 * x).toFixed(2);
console.log(`${model} (${detector} keypoints${flip ? ', flip test' : ''}): ${pairs.length} pairs in ${folds} fold(s), ${images.length} images, ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`accuracy: ${pct(r.meanAccuracy)} % ± ${pct(r.stdAccuracy)}${r.thresholdChosenOnTestFold ? ' (one fold: best threshold on the test fold itself, optimistic)' : ' (threshold chosen on the other folds)'}`);
for (const f of r.folds) console.log(`  fold ${f.fold + 1}: ${pct(f.accuracy)} % at threshold ${f.threshold.toFixed(4)}`);
const impostors = pairs.filter((p) => !p.same).length;
for (const t of r.tarAtFar) console.log(`TAR @ FAR ${t.far.toExponential()}: ${pct(t.tar)} % (threshold ${t.threshold.toFixed(4)}, pooled${1 / impostors > t.far ? `; ${impostors} impostor pairs resolve FAR only to ${(1 / impostors).toExponential(1)}` : ''})`);
console.log(`images with no face found: ${missingImages.length}${missingImages.length ? ` (${missingImages.slice(0, 5).join(', ')}${missingImages.length > 5 ? ', …' : ''})` : ''}; pairs affected: ${r.missing} (counted as wrong)`);
const summary = {
  model, detector, inputSize, flip, folds, pairs: pairs.length, images: images.length,
  meanAccuracy: r.meanAccuracy, stdAccuracy: r.stdAccuracy, thresholdChosenOnTestFold: r.thresholdChosenOnTestFold,
  foldResults: r.folds, tarAtFar: r.tarAtFar, missingImages: missingImages.length, missingPairs: r.missing,
};
const json = args.get('json');
if (typeof json === 'string') writeFileSync(json, JSON.stringify(summary, null, 2));
console.log(JSON.stringify(summary));
