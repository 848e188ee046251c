// Age (and, as a check on faces from outside LFW, gender) on a folder of UTKFace-named photos:
// `<age>_<gender 0 male | 1 female>_<race>_<date>.jpg…`. UTKFace is research use only and not in
// ../shared; issue 25's note says where the 360-photo subset came from.
//   pnpm eval:age -- --images <dir> [--detector det_500m] [--json out]
// Prints age MAE and mean signed error per decade, and gender accuracy with and without the
// stacked head (neither was fitted on these photos), then one JSON line.
import { readdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { meanStd } from '@facekit/core';
import { openBrowserSession, parseArgs } from '@facekit/test-support/browser-session';
import { analyzeImages } from './analyze-images.js';

const args = parseArgs(process.argv.slice(2));
const dir = args.get('images');
if (typeof dir !== 'string') {
  console.error('usage: pnpm eval:age -- --images <dir of UTKFace-named photos> [--detector det_500m] [--json out]');
  process.exit(2);
}
const detector = String(args.get('detector') ?? 'det_500m');
const photos = readdirSync(dir).flatMap((f) => {
  const m = /^(\d+)_([01])_\d+_/.exec(f);
  return m ? [{ file: f, age: Number(m[1]), label: m[2] === '0' ? 'male' as const : 'female' as const }] : [];
}).sort((a, b) => a.age - b.age || a.file.localeCompare(b.file));
if (!photos.length) throw new Error(`${dir}: no UTKFace-named photos (<age>_<gender>_<race>_…)`);

const session = await openBrowserSession({ dataDir: resolve(dir) });
try {
  const progress = (what: string) => (d: number) => process.stderr.write(`\r${what} ${d}/${photos.length}`);
  const stacked = await analyzeImages(session.page, detector, photos.map((p) => p.file), ['age', 'gender'], progress('stacked head'));
  const alone = await analyzeImages(session.page, detector, photos.map((p) => p.file), ['gender'], progress('fr_gender alone'), { genderHead: false });
  process.stderr.write('\n');
  const decades = new Map<number, { err: number[]; signed: number[] }>();
  photos.forEach((p, i) => {
    const a = stacked[i]?.age;
    if (a === undefined) return;
    const d = Math.min(80, Math.floor(p.age / 10) * 10);
    const e = decades.get(d) ?? { err: [], signed: [] };
    e.err.push(Math.abs(a - p.age));
    e.signed.push(a - p.age);
    decades.set(d, e);
  });
  const noFace = stacked.filter((r) => !r).length;
  console.log(`age (${detector}, fr_age): ${photos.length} photos, ${noFace} without a face (left out of age)`);
  console.log('decade | photos | MAE years | mean signed error (reads older > 0)');
  const rows = [...decades.entries()].sort((a, b) => a[0] - b[0]).map(([d, e]) => ({ decade: d === 80 ? '80+' : `${d}s`, photos: e.err.length, mae: meanStd(e.err).mean, bias: meanStd(e.signed).mean }));
  for (const r of rows) console.log(`${r.decade.padEnd(6)} | ${String(r.photos).padStart(6)} | ${r.mae.toFixed(1).padStart(9)} | ${r.bias >= 0 ? '+' : ''}${r.bias.toFixed(1)}`);
  const allErr = [...decades.values()].flatMap((e) => e.err);
  console.log(`all    | ${String(allErr.length).padStart(6)} | ${meanStd(allErr).mean.toFixed(1).padStart(9)} |`);
  const genderScore = (res: typeof stacked) => {
    const t = { male: [0, 0], female: [0, 0] };
    photos.forEach((p, i) => { const g = res[i]?.gender; t[p.label][1]!++; if (g?.label === p.label) t[p.label][0]!++; });
    return { accuracy: (t.male[0]! + t.female[0]!) / photos.length, male: t.male[0]! / t.male[1]!, female: t.female[0]! / t.female[1]! };
  };
  const g = { stacked: genderScore(stacked), alone: genderScore(alone) };
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  for (const [name, s] of Object.entries(g)) console.log(`gender, ${name === 'stacked' ? 'stacked head' : 'fr_gender alone'}: ${pct(s.accuracy)} (male ${pct(s.male)}, female ${pct(s.female)}; no face counted wrong)`);
  const summary = { detector, photos: photos.length, noFace, ageMae: meanStd(allErr).mean, decades: rows, gender: g };
  const json = args.get('json');
  if (typeof json === 'string') writeFileSync(json, JSON.stringify(summary, null, 2));
  console.log(JSON.stringify(summary));
} finally {
  await session.close();
}
