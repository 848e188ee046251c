// The peers' gender readings of labelled images, for eval:attributes --folds --peers to score on
// the same person-disjoint folds as facekit's own readers (scripts/eval/gender-cv.ts).
//   pnpm eval:peer-gender -- --gender ../shared/data/lfw-dev/gender.txt --images ../shared/data/lfw-dev/images --out .cache/peer-gender.json
//   pnpm --filter @facekit/bench exec tsx src/peer-gender.ts -- --gender <labels> --images <dir> --out <file.json>
// Labels: one `<Name>_NNNN.jpg<TAB>female|male` a line ('#' comments); the image lies at
// <images>/<Name>/<Name>_NNNN.jpg. Human 3.3.6 and face-api 1.7.15 each run their default
// gender pipeline (see pages/*-gender.html) on the tfjs wasm backend in headless Chromium,
// both at once in two contexts, the images in batches inside one page per library. Each image
// gives P(male) of the face nearest its centre, or null when no face is found.
// Writes [{ path, label, human, faceApi }] in label-file order; prints one summary line per
// library (a face-less image counts wrong; P(male) ≥ 0.5 reads male, as gender-cv.ts scores it).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from '@facekit/test-support/browser-session';
import { openPeerPage, versionOf, withPeerSession } from './peer-browser.js';

type Label = 'male' | 'female';
type Lib = 'human' | 'faceApi';
interface Reading { pMale: number | null; faces: number; gender?: string; score?: number }
interface LoadInfo { version: string; backend: string; threadsUsed: number | null; crossOriginIsolated: boolean; settings: Record<string, unknown>; models?: string[] }
type GenderWindow = Window & { loadPeer(): Promise<LoadInfo>; readGender(urls: string[]): Promise<Reading[]>; cacheStats?(): { totalFrames: number | null; cachedFrames: number | null } };

interface PeerGenderRow { path: string; label: Label; human: number | null; faceApi: number | null }

const BATCH = 25;
const LIBS: { key: Lib; page: string; pkg: string; name: string }[] = [
  { key: 'human', page: 'human-gender.html', pkg: '@vladmandic/human', name: 'human' },
  { key: 'faceApi', page: 'face-api-gender.html', pkg: '@vladmandic/face-api', name: 'face-api' },
];

const args = parseArgs(process.argv.slice(2));
const genderArg = args.get('gender');
const imagesArg = args.get('images');
const outArg = args.get('out');
if (typeof genderArg !== 'string' || typeof imagesArg !== 'string' || typeof outArg !== 'string') {
  console.error('usage: pnpm eval:peer-gender -- --gender <labels.txt> --images <dir> --out <file.json>');
  process.exit(2);
}
// Relative paths are the caller's: pnpm runs the script elsewhere (the root, or the package with --filter).
const base = process.env.INIT_CWD ?? process.cwd();
const genderFile = resolve(base, genderArg);
const imagesDir = resolve(base, imagesArg);
const outFile = resolve(base, outArg);

const labels = readFileSync(genderFile, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => {
  const [file, label] = l.trim().split('\t') as [string, string];
  if (label !== 'male' && label !== 'female') throw new Error(`${genderFile}: bad label in "${l}"`);
  // LFW layout: <Name>/<Name>_NNNN.jpg; other files are taken as relative paths (as eval:attributes).
  const m = /^(.+)_\d{4}\.jpg$/.exec(file);
  return { path: m && !file.includes('/') ? `${m[1]}/${file}` : file, label: label as Label };
});
const absent = labels.filter((l) => !existsSync(resolve(imagesDir, l.path)));
if (absent.length) throw new Error(`${absent.length} labelled image(s) not under ${imagesDir}, e.g. ${absent[0]!.path}`);

let width = 0;
const progress = (line: string) => {
  width = Math.max(width, line.length);
  process.stderr.write(`\r${line.padEnd(width)}`);
};

const readings: Record<Lib, Reading[]> = { human: [], faceApi: [] };
const loaded: Partial<Record<Lib, LoadInfo & { loadMs: number; readMs: number; warnings: string[] }>> = {};
const status: Record<Lib, string> = { human: 'starting', faceApi: 'starting' };
const show = () => progress(`peer gender: ${LIBS.map((l) => `${l.name} ${status[l.key]}`).join(' · ')}`);
const started = performance.now();

try {
  await withPeerSession({ '/images/': imagesDir }, (session) => Promise.all(LIBS.map(async (lib) => {
    const p = await openPeerPage(session, `/pages/${lib.page}`);
    try {
      status[lib.key] = 'loading';
      show();
      const t0 = performance.now();
      const info = await p.page.evaluate(() => (window as unknown as GenderWindow).loadPeer());
      const loadMs = performance.now() - t0;
      p.assertClean(lib.name);
      if (info.backend !== 'wasm') throw new Error(`${lib.name}: active tf backend is '${info.backend}', not 'wasm'`);
      if (!info.crossOriginIsolated) throw new Error(`${lib.name}: page is not crossOriginIsolated`);
      const version = versionOf(lib.pkg);
      if (info.version !== version) throw new Error(`${lib.name}: page reports version ${info.version}, package.json ${version}`);
      const out = readings[lib.key];
      for (let i = 0; i < labels.length; i += BATCH) {
        const urls = labels.slice(i, i + BATCH).map((l) => `${session.origin}/images/${l.path.split('/').map(encodeURIComponent).join('/')}`);
        out.push(...(await p.page.evaluate((u) => (window as unknown as GenderWindow).readGender(u), urls)));
        p.assertClean(lib.name);
        status[lib.key] = `${out.length}/${labels.length}`;
        show();
      }
      if (lib.key === 'human') {
        const cache = await p.page.evaluate(() => (window as unknown as GenderWindow).cacheStats!());
        if (cache.cachedFrames) throw new Error(`human: ${cache.cachedFrames} of ${cache.totalFrames} images came from Human's cache`);
      }
      p.noteFailedRequests();
      loaded[lib.key] = { ...info, loadMs, readMs: performance.now() - t0 - loadMs, warnings: [...p.warnings] };
    } finally {
      await p.context.close();
    }
  })));
} finally {
  if (width) process.stderr.write('\n');
}
const totalS = (performance.now() - started) / 1000;

const rows: PeerGenderRow[] = labels.map((l, i) => ({ path: l.path, label: l.label, human: readings.human[i]!.pMale, faceApi: readings.faceApi[i]!.pMale }));
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, `${JSON.stringify(rows, null, 1)}\n`);

const pct = (a: number, n: number) => `${((100 * a) / n).toFixed(2)} % (${a}/${n})`;
console.log(`peer gender on ${labels.length} images of ${new Set(labels.map((l) => l.path.split('/')[0])).size} people (${labels.filter((l) => l.label === 'male').length} male, ${labels.filter((l) => l.label === 'female').length} female) in ${totalS.toFixed(0)} s; P(male) ≥ 0.5 reads male, no face counts wrong`);
for (const lib of LIBS) {
  const info = loaded[lib.key]!;
  const r = readings[lib.key];
  const right = (want: Label | null) => labels.filter((l, i) => (want === null || l.label === want) && r[i]!.pMale !== null && (r[i]!.pMale! >= 0.5 ? 'male' : 'female') === l.label).length;
  const count = (want: Label) => labels.filter((l) => l.label === want).length;
  const noFace = r.filter((x) => x.pMale === null).length;
  const several = r.filter((x) => x.faces > 1).length;
  const unknown = r.filter((x) => x.pMale !== null && x.gender !== 'male' && x.gender !== 'female').length;
  console.log(`${lib.name} ${info.version}: accuracy ${pct(right(null), labels.length)}, male ${pct(right('male'), count('male'))}, female ${pct(right('female'), count('female'))}; no face ${noFace}, several faces ${several}${lib.key === 'human' ? `, gender 'unknown' (read 0.5, so male) ${unknown}` : ''}`);
  console.log(`  ${info.backend}, ${info.threadsUsed ?? '?'} thread(s); load ${(info.loadMs / 1000).toFixed(1)} s, ${(info.readMs / labels.length).toFixed(0)} ms an image; ${JSON.stringify(info.settings)}${info.models ? `; models ${info.models.join(',')}` : ''}`);
  for (const w of info.warnings) console.log(`    page ${w}`);
}
console.log(`wrote ${outFile}`);
