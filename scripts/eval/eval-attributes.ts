// Attribute accuracy of the real SDK in headless Chromium.
//   pnpm eval:attributes -- --gender <labels.txt> --images <dir> [--folds 5 [--features cache.json] [--peers peer-gender.json] [--write-head file.ts]] [--detector det_500m] [--json out]
//   pnpm eval:attributes -- --photos <dir with MANIFEST.md>
// --gender: lines `file<TAB>female|male` (LFW names: the file is under <dir>/<Name>/); accuracy
// overall and per label, on the detected face nearest the centre. An image where no face is
// found counts as wrong. --folds k: person-disjoint k-fold cross-validation of the gender readers
// (the linear head on the embedding, fitted inside the folds, and SSR-Net), mean ± std; see
// gender-cv.ts; --peers adds Human's and face-api's readings of the same images (pnpm
// eval:peer-gender) on the same folds, for comparison only. --photos: age, gender, expression, pose (model and keypoints), eye state
// and landmark agreement of every single-face photo the MANIFEST lists.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { analyzeImages } from './analyze-images.js';
import { dequantizeRows, fitGenderHead, quantizeRows, stackedMale, type GenderHead, type GenderRow } from '@facekit/core';
import { openBrowserSession, parseArgs } from '@facekit/test-support/browser-session';
import { crossValidateGender, formatMeanStd, nearestOtherPersonAgreement, type CandidateResult, type GenderFeatures, type PeerGender } from './gender-cv.js';

const args = parseArgs(process.argv.slice(2));
const genderFile = args.get('gender');
const imagesDir = args.get('images');
const photosDir = args.get('photos');
if (!((typeof genderFile === 'string' && typeof imagesDir === 'string') || typeof photosDir === 'string')) {
  console.error('usage: pnpm eval:attributes -- --gender <labels.txt> --images <dir> [--detector det_500m] [--json out]\n       pnpm eval:attributes -- --photos <dir with MANIFEST.md>');
  process.exit(2);
}
const detector = String(args.get('detector') ?? 'det_500m');

/**
 * --folds: the embedding and SSR-Net's reading of every labelled image (read from --features
 * when that file exists, else computed and written there), then the cross-validation.
 * --write-head <file.ts>: also fits the head on all the images and writes it as TypeScript.
 */
async function crossValidateGenderReaders(page: Page, labels: readonly { path: string; label: 'male' | 'female' }[], k: number): Promise<void> {
  if (!Number.isInteger(k) || k < 2) throw new Error(`--folds must be an integer ≥ 2, got ${String(args.get('folds'))}`);
  const cacheFile = args.get('features');
  let features: GenderFeatures[] | undefined;
  if (typeof cacheFile === 'string' && existsSync(cacheFile)) {
    features = JSON.parse(readFileSync(cacheFile, 'utf8')) as GenderFeatures[];
    if (features.length !== labels.length || features.some((f, i) => f.path !== labels[i]!.path || f.label !== labels[i]!.label)) {
      throw new Error(`${cacheFile} holds features of other images; delete it to compute them again`);
    }
  } else {
    const res = await analyzeImages(page, detector, labels.map((l) => l.path), ['gender'], (d) => process.stderr.write(`\ranalyzed ${d}/${labels.length}`), { attributeModels: { gender: 'fr_gender' }, genderHead: false, embedding: true });
    process.stderr.write('\n');
    features = labels.map((l, i) => {
      const r = res[i];
      const ssrMale = r?.gender ? (r.gender.label === 'male' ? r.gender.probability : 1 - r.gender.probability) : null;
      return { path: l.path, label: l.label, embedding: r?.embedding ?? null, ssrMale };
    });
    if (typeof cacheFile === 'string') writeFileSync(cacheFile, JSON.stringify(features));
  }
  const peersFile = args.get('peers');
  let peers: PeerGender[] | undefined;
  if (typeof peersFile === 'string') {
    peers = JSON.parse(readFileSync(peersFile, 'utf8')) as PeerGender[];
    const paths = new Set(peers.map((p) => p.path));
    const missing = features.filter((f) => !paths.has(f.path)).length;
    if (missing) throw new Error(`${peersFile} lacks ${missing} of the ${features.length} images; run pnpm eval:peer-gender on the same labels`);
  }
  // Peers are compared, never chosen: they are not what facekit can ship.
  const all = crossValidateGender(features, k, 1, peers);
  const results = all.filter((r) => !r.method.includes('(peer'));
  const peerResults = all.filter((r) => r.method.includes('(peer'));
  const noFace = features.filter((f) => !f.embedding).length;
  console.log(`gender, ${k}-fold person-disjoint CV (${detector}; ${features.length} images of ${new Set(features.map((f) => f.path.split('/')[0])).size} people, ${noFace} without a face counted wrong), mean ± std over folds:`);
  console.log(`${'method'.padEnd(38)} ${'accuracy %'.padEnd(15)} ${'male %'.padEnd(15)} ${'female %'.padEnd(15)} ECE`);
  for (const r of [...results, ...peerResults]) console.log(`${r.method.padEnd(38)} ${formatMeanStd(r.accuracy).padEnd(15)} ${formatMeanStd(r.male).padEnd(15)} ${formatMeanStd(r.female).padEnd(15)} ${formatMeanStd(r.ece, 1, 3)}`);
  console.log(`the nearest image of another person (embedding cosine) has the same gender for ${(100 * nearestOtherPersonAgreement(features)).toFixed(1)} % of images`);
  // Balanced accuracy: a reader that buys men's accuracy with women's is not better.
  const balanced = (r: CandidateResult) => (r.male.mean + r.female.mean) / 2;
  const chosen = results.reduce((a, b) => (balanced(b) > balanced(a) ? b : a));
  console.log(`chosen by mean held-out balanced accuracy (male and female weigh the same): ${chosen.method} (${(100 * balanced(chosen)).toFixed(2)} %)`);
  const writeHead = args.get('write-head');
  if (typeof writeHead === 'string') {
    const rows = features.flatMap((f): GenderRow[] => (f.embedding && f.ssrMale !== null ? [{ embedding: f.embedding, modelMale: f.ssrMale, male: f.label === 'male' ? 1 : 0, person: f.path.split('/')[0]! }] : []));
    const head = fitGenderHead(rows, { genderModel: 'fr_gender', recognizer: 'fr_feature' });
    writeFileSync(writeHead, genderHeadSource(head, rows.length, new Set(rows.map((r) => r.person)).size, k));
    // What int8 storage costs: the stored head against the float one, on every image.
    const stored = { ...head, female: dequantizeRows(quantizeRows(head.female, head.dims)), male: dequantizeRows(quantizeRows(head.male, head.dims)), ...(head.linear ? { linear: { ...head.linear, weights: dequantizeRows(quantizeRows(head.linear.weights, head.dims)) } } : {}) };
    const diffs = rows.map((r) => [stackedMale(head, r.modelMale, r.embedding), stackedMale(stored, r.modelMale, r.embedding)] as const);
    console.log(`wrote ${writeHead}: int8 storage moves P(male) by ${Math.max(...diffs.map(([a, b]) => Math.abs(a - b))).toExponential(1)} at most and flips ${diffs.filter(([a, b]) => (a >= 0.5) !== (b >= 0.5)).length} of ${rows.length} labels`);
  }
  const summary = {
    detector, folds: k, images: features.length, method: chosen.method,
    accuracy: chosen.accuracy.mean, accuracyStd: chosen.accuracy.std, ece: chosen.ece.mean,
    male: { accuracy: chosen.male.mean, std: chosen.male.std }, female: { accuracy: chosen.female.mean, std: chosen.female.std },
    candidates: [...results, ...peerResults].map(({ method, accuracy, male, female, ece }) => ({ method, accuracy, male, female, ece })),
  };
  const json = args.get('json');
  if (typeof json === 'string') writeFileSync(json, JSON.stringify(summary, null, 2));
  console.log(JSON.stringify(summary));
}

/** The fitted head as the TypeScript module core ships: the vectors as int8 rows (a quarter of float32). */
function genderHeadSource(h: GenderHead, images: number, people: number, k: number): string {
  const rows = (v: Float32Array) => JSON.stringify(quantizeRows(v, h.dims));
  return `// Generated by \`pnpm eval:attributes -- --gender <labels> --images <dir> --folds ${k} --write-head <this file>\`
// from ${images} labelled lfw-dev images of ${people} people (LFW: research use). Do not edit by hand.
// Stacks fr_gender's six-view P(male) with fr_feature's embedding: ${h.female.length / h.dims} female and ${h.male.length / h.dims} male prototypes, each the
// centroid of at least 3 people's mean embeddings (no prototype is one person's template), τ = ${h.temperature},
// ${h.linear ? "and a linear head's score; " : ''}calibrated to a balanced prior (half women, half men). Vectors are int8 rows.
// Its accuracy is the cross-validated one in docs/attributes.md, not a number measured on these images.
import { dequantizeRows, type GenderHead } from './gender-head.js';

export const FR_GENDER_FR_FEATURE_HEAD: GenderHead = {
  genderModel: '${h.genderModel}',
  recognizer: '${h.recognizer}',
  dims: ${h.dims},
  temperature: ${h.temperature},
  stack: { ssr: ${h.stack.ssr}, prototype: ${h.stack.prototype}, bias: ${h.stack.bias} },
  female: dequantizeRows(${rows(h.female)}),
  male: dequantizeRows(${rows(h.male)}),${h.linear ? `
  linear: { stackWeight: ${h.linear.stackWeight}, bias: ${h.linear.bias}, weights: dequantizeRows(${rows(h.linear.weights)}) },` : ''}
};
`;
}

const started = Date.now();
/** The kit's default gender reader (kit.info.genderHead). */
const READER = 'fr_gender stacked with fr_feature (gender head)';
const pct = (x: number) => (100 * x).toFixed(2);
const session = await openBrowserSession({ dataDir: resolve(typeof photosDir === 'string' ? photosDir : String(imagesDir)) });
try {
  session.page.on('console', (m) => { if (m.type() === 'error') console.error(`page: ${m.text()}`); });
  if (typeof genderFile === 'string') {
    const labels = readFileSync(genderFile, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => {
      const [file, label] = l.trim().split('\t') as [string, string];
      if (label !== 'male' && label !== 'female') throw new Error(`${genderFile}: bad label in "${l}"`);
      // LFW layout: <Name>/<Name>_NNNN.jpg; other files are taken as relative paths.
      const m = /^(.+)_\d{4}\.jpg$/.exec(file);
      return { path: m && !file.includes('/') ? `${m[1]}/${file}` : file, label };
    });
    const folds = args.get('folds');
    if (folds !== undefined) {
      await crossValidateGenderReaders(session.page, labels as { path: string; label: 'male' | 'female' }[], Number(folds));
    } else {
      const res = await analyzeImages(session.page, detector, labels.map((l) => l.path), ['gender'], (d) => process.stderr.write(`\ranalyzed ${d}/${labels.length}`));
      process.stderr.write('\n');
      const tally = { male: { right: 0, n: 0, missing: 0 }, female: { right: 0, n: 0, missing: 0 } };
      const wrong: string[] = [];
      labels.forEach((l, i) => {
        const t = tally[l.label as 'male' | 'female'];
        t.n++;
        const r = res[i];
        if (!r?.gender) { t.missing++; wrong.push(`${l.path} (no face)`); return; }
        if (r.gender.label === l.label) t.right++; else wrong.push(`${l.path} (${r.gender.label} ${r.gender.probability.toFixed(2)})`);
      });
      const n = tally.male.n + tally.female.n, right = tally.male.right + tally.female.right;
      console.log(`gender (${detector}, ${READER}): ${n} images in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      console.log('(the head was fitted on lfw-dev: on lfw-dev this number is not held out; --folds 5 gives the held-out one)');
      console.log(`accuracy: ${pct(right / n)} % (male ${pct(tally.male.right / tally.male.n)} % of ${tally.male.n}, female ${pct(tally.female.right / tally.female.n)} % of ${tally.female.n})`);
      console.log(`no face found: ${tally.male.missing + tally.female.missing} (counted as wrong)`);
      console.log(`wrong: ${wrong.slice(0, 12).join(', ')}${wrong.length > 12 ? `, … (${wrong.length})` : ''}`);
      const summary = {
        detector, model: READER, images: n, accuracy: right / n,
        male: { accuracy: tally.male.right / tally.male.n, images: tally.male.n, noFace: tally.male.missing },
        female: { accuracy: tally.female.right / tally.female.n, images: tally.female.n, noFace: tally.female.missing },
      };
      const json = args.get('json');
      if (typeof json === 'string') writeFileSync(json, JSON.stringify(summary, null, 2));
      console.log(JSON.stringify(summary));
    }
  } else {
    // MANIFEST.md rows: | path | bytes | size | faces | sha | origin | note |
    const rows = readFileSync(resolve(String(photosDir), 'MANIFEST.md'), 'utf8').split('\n')
      .map((l) => l.split('|').map((c) => c.trim()))
      .filter((c) => c.length > 5 && c[4] === '1' && /\.(jpe?g|png)$/i.test(c[1]!))
      .map((c) => c[1]!);
    const res = await analyzeImages(session.page, detector, rows, ['age', 'gender', 'expression', 'pose', 'eyes', 'landmarks'], (d) => process.stderr.write(`\ranalyzed ${d}/${rows.length}`));
    process.stderr.write('\n');
    const f1 = (v: number) => v.toFixed(1).padStart(6);
    console.log(`${'photo'.padEnd(42)}   age gender    expression     yaw model/kps  pitch model/kps  eyes L/R   landmarks`);
    rows.forEach((p, i) => {
      const r = res[i];
      if (!r) { console.log(`${p.padEnd(42)} no face`); return; }
      console.log(`${p.padEnd(42)}${f1(r.age!)} ${r.gender!.label.padEnd(6)} ${r.gender!.probability.toFixed(2)} ${r.expression!.label.padEnd(8)} ${r.expression!.probability.toFixed(2)} ${f1(r.pose!.yaw)}/${f1(r.keypointPose!.yaw)} ${f1(r.pose!.pitch)}/${f1(r.keypointPose!.pitch)}  ${r.eyes!.left.toFixed(2)}/${r.eyes!.right.toFixed(2)}  ${pct(r.landmarkError!)} % IOD`);
    });
    console.log(JSON.stringify({ detector, photos: rows.map((p, i) => ({ photo: p, ...res[i] })) }));
  }
} finally {
  await session.close();
}
