// Attribute accuracy of the real SDK in headless Chromium.
//   pnpm eval:attributes -- --gender <labels.txt> --images <dir> [--detector det_500m] [--json out]
//   pnpm eval:attributes -- --photos <dir with MANIFEST.md>
// --gender: lines `file<TAB>female|male` (LFW names: the file is under <dir>/<Name>/); accuracy
// overall and per label, on the detected face nearest the centre. An image where no face is
// found counts as wrong. --photos: age, gender, expression, pose (model and keypoints), eye state
// and landmark agreement of every single-face photo the MANIFEST lists.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { openBrowserSession, parseArgs } from '@facekit/test-support/browser-session';

const args = parseArgs(process.argv.slice(2));
const genderFile = args.get('gender');
const imagesDir = args.get('images');
const photosDir = args.get('photos');
if (!((typeof genderFile === 'string' && typeof imagesDir === 'string') || typeof photosDir === 'string')) {
  console.error('usage: pnpm eval:attributes -- --gender <labels.txt> --images <dir> [--detector det_500m] [--json out]\n       pnpm eval:attributes -- --photos <dir with MANIFEST.md>');
  process.exit(2);
}
const detector = String(args.get('detector') ?? 'det_500m');

type Kind = 'age' | 'gender' | 'expression' | 'pose' | 'eyes' | 'landmarks';
interface FaceOut {
  faces: number;
  age?: number; gender?: { label: string; probability: number };
  expression?: { label: string; probability: number };
  pose?: { yaw: number; pitch: number; roll: number }; keypointPose?: { yaw: number; pitch: number; roll: number };
  eyes?: { left: number; right: number }; landmarkError?: number;
}

/** Attributes of the face nearest the centre of each image; null when none was found. */
async function analyzeImages(page: Page, paths: readonly string[], kinds: Kind[], onProgress: (done: number) => void): Promise<(FaceOut | null)[]> {
  await page.evaluate(async ({ detector }) => {
    (window as unknown as { kit: unknown }).kit = await window.facekit.createFaceKit({ detector });
  }, { detector });
  const out: (FaceOut | null)[] = [];
  for (let i = 0; i < paths.length; i += 25) {
    const batch = paths.slice(i, i + 25);
    out.push(...await page.evaluate(async ({ paths, kinds }) => {
      const kit = (window as unknown as { kit: Awaited<ReturnType<typeof window.facekit.createFaceKit>> }).kit;
      const res: (FaceOut | null)[] = [];
      for (const p of paths) {
        let a;
        try {
          a = await kit.analyze(await window.fetchBlob(`/__data/${p.split('/').map(encodeURIComponent).join('/')}`), { attributes: kinds });
        } catch (e) {
          console.error(`${p}: ${(e as Error).message}`);
          res.push(null);
          continue;
        }
        const best = window.centralFace(a.faces, a.width, a.height);
        if (!best) { res.push(null); continue; }
        const at = best.attributes ?? {};
        const r: FaceOut = { faces: a.faces.length };
        if (at.age !== undefined) r.age = at.age;
        if (at.gender) r.gender = at.gender;
        if (at.expression) r.expression = { label: at.expression.label, probability: at.expression.probability };
        if (at.pose) r.pose = at.pose;
        if (at.eyes) r.eyes = at.eyes;
        if (at.landmarks) r.landmarkError = window.facekit.keypointAgreement(window.facekit.keypointsFrom68(at.landmarks), best.keypoints);
        r.keypointPose = window.facekit.headPoseFromKeypoints(best.keypoints);
        res.push(r);
      }
      return res;
    }, { paths: batch, kinds }));
    onProgress(Math.min(i + 25, paths.length));
  }
  await page.evaluate(async () => { await (window as unknown as { kit: { dispose(): Promise<void> } }).kit.dispose(); });
  return out;
}

const started = Date.now();
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
    const res = await analyzeImages(session.page, labels.map((l) => l.path), ['gender'], (d) => process.stderr.write(`\ranalyzed ${d}/${labels.length}`));
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
    console.log(`gender (${detector}, fr_gender): ${n} images in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    console.log(`accuracy: ${pct(right / n)} % (male ${pct(tally.male.right / tally.male.n)} % of ${tally.male.n}, female ${pct(tally.female.right / tally.female.n)} % of ${tally.female.n})`);
    console.log(`no face found: ${tally.male.missing + tally.female.missing} (counted as wrong)`);
    console.log(`wrong: ${wrong.slice(0, 12).join(', ')}${wrong.length > 12 ? `, … (${wrong.length})` : ''}`);
    const summary = {
      detector, model: 'fr_gender', images: n, accuracy: right / n,
      male: { accuracy: tally.male.right / tally.male.n, images: tally.male.n, noFace: tally.male.missing },
      female: { accuracy: tally.female.right / tally.female.n, images: tally.female.n, noFace: tally.female.missing },
    };
    const json = args.get('json');
    if (typeof json === 'string') writeFileSync(json, JSON.stringify(summary, null, 2));
    console.log(JSON.stringify(summary));
  } else {
    // MANIFEST.md rows: | path | bytes | size | faces | sha | origin | note |
    const rows = readFileSync(resolve(String(photosDir), 'MANIFEST.md'), 'utf8').split('\n')
      .map((l) => l.split('|').map((c) => c.trim()))
      .filter((c) => c.length > 5 && c[4] === '1' && /\.(jpe?g|png)$/i.test(c[1]!))
      .map((c) => c[1]!);
    const res = await analyzeImages(session.page, rows, ['age', 'gender', 'expression', 'pose', 'eyes', 'landmarks'], (d) => process.stderr.write(`\ranalyzed ${d}/${rows.length}`));
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
