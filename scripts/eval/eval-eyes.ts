// Chooses how the eye-state reading blocks a frame ('eyes-closed'), by person-disjoint 5-fold
// cross-validation on lfw-dev (faces with open eyes, nearly all), with the shared closed-eye
// photos as a check that closed eyes still read closed. Each form is a crop-scale set (fr_eye's
// logits averaged over them, per eye) and how the two eyes combine (min: either closed blocks;
// max: both must read closed; mean of logits). For each training split the threshold is the
// largest on the grid whose false "closed" rate there is ≤ the target; it is then measured on
// the held-out fold. Prints a table, then one JSON line.
//   pnpm eval:eyes [-- --folds 5 --target 0.01]
import { meanStd, personFolds } from '@facekit/core';
import { DEFAULT_QUALITY_THRESHOLDS } from '@facekit/core';
import { logit, sigmoid } from '@facekit/core';
import { parseArgs } from '@facekit/test-support/browser-session';
import { collectEyeFeatures, type EyePass, type EyeRecord } from './eye-features.js';

const args = parseArgs(process.argv.slice(2));
const k = Number(args.get('folds') ?? 5);
const target = Number(args.get('target') ?? 0.01);

const records = await collectEyeFeatures((d, t) => process.stdout.write(`\rfeatures ${d}/${t}`));
process.stdout.write('\n');
const lfw = records.filter((r) => r.set === 'lfw');
const closedPhotos = records.filter((r) => r.set === 'photo' && r.expected && !r.expected[0] && !r.expected[1]);
const folds = personFolds(lfw.map((r) => r.person), k);


interface Form { scales: string[]; combine: 'min' | 'max' | 'mean' }
const FORMS: Form[] = [];
for (const scales of [['0.6'], ['0.7'], ['0.8'], ['0.6', '0.7', '0.8'], ['0.5', '0.6', '0.7', '0.8', '1']]) {
  for (const combine of ['min', 'max', 'mean'] as const) FORMS.push({ scales, combine });
}
const eye = (p: EyePass, f: Form, e: 0 | 1) => f.scales.reduce((a, s) => a + p.open[s]![e], 0) / f.scales.length;
/** The form's open score of a pass, as a logit. */
const score = (p: EyePass, f: Form) => {
  const l = eye(p, f, 0), r = eye(p, f, 1);
  return f.combine === 'min' ? Math.min(l, r) : f.combine === 'max' ? Math.max(l, r) : (l + r) / 2;
};
// Thresholds: open probability 0.5 down to 1e-4, on a logit grid.
const GRID = Array.from({ length: 37 }, (_, i) => -i * 0.25);
const MARGIN = 1;
const falseClosed = (rs: EyeRecord[], f: Form, t: number) => rs.filter((r) => score(r.full, f) < t).length / rs.length;

const rows = FORMS.map((f) => {
  const test: number[] = [], flips: number[] = [], thresholds: number[] = [];
  let closedOk = true;
  for (let fold = 0; fold < k; fold++) {
    const train = lfw.filter((r) => folds.get(r.person) !== fold), held = lfw.filter((r) => folds.get(r.person) === fold);
    const t = GRID.find((g) => falseClosed(train, f, g) <= target) ?? GRID[GRID.length - 1]!;
    thresholds.push(t);
    test.push(falseClosed(held, f, t));
    // The same face read from a full and a region pass's keypoints: do they agree?
    flips.push(held.filter((r) => r.region && (score(r.full, f) < t) !== (score(r.region, f) < t)).length / held.length);
    // Closed eyes must read closed with room to spare: a logit at least MARGIN under the threshold.
    closedOk &&= closedPhotos.every((r) => score(r.full, f) < t - MARGIN);
  }
  return { form: `${f.scales.join(',')} ${f.combine}`, f, test: meanStd(test), flips: meanStd(flips), thresholds, closedOk };
});

console.log(`eye-state forms, person-disjoint ${k}-fold CV on lfw-dev (${lfw.length} faces, ${folds.size} people), target false "closed" ≤ ${target * 100} %`);
console.log('form                    threshold (p, per fold)            false closed (held out)   full/region disagree   closed photos');
for (const r of rows) {
  console.log(`${r.form.padEnd(24)}${r.thresholds.map((t) => sigmoid(t).toExponential(1)).join(' ').padEnd(35)}${(100 * r.test.mean).toFixed(2)} ± ${(100 * r.test.std).toFixed(2)} %`.padEnd(85)
    + `${(100 * r.flips.mean).toFixed(2)} ± ${(100 * r.flips.std).toFixed(2)} %`.padEnd(23) + (r.closedOk ? 'closed' : 'not by the margin'));
}
// Chosen: meets the target on held-out people, reads the closed photos closed with the margin,
// and has the fewest held-out errors of both kinds: false "closed", and full/region passes
// disagreeing on the same face (the flip the issue saw).
const ok = rows.filter((r) => r.test.mean <= target && r.closedOk);
const cost = (r: (typeof rows)[number]) => r.test.mean + r.flips.mean;
const chosen = (ok.length ? ok : rows).reduce((a, b) => (cost(b) < cost(a) ? b : a));
const all = GRID.find((g) => falseClosed(lfw, chosen.f, g) <= target)!;
console.log(`chosen: ${chosen.form}; threshold on all of lfw-dev: p = ${sigmoid(all).toExponential(2)} (logit ${all})`);
const wink = records.filter((r) => r.set === 'photo').map((r) => `${r.file}: [${[0, 1].map((e) => sigmoid(eye(r.full, chosen.f, e as 0 | 1)).toFixed(3)).join(', ')}] expected ${r.expected!.map((o) => (o ? 'open' : 'closed')).join('/')}`);
for (const w of wink) console.log(`  ${w}`);
// The rule this replaced: one 0.6 × IOD crop, the lower eye's probability under 0.5; and how far
// one crop's log-odds moves between a full and a region pass's keypoints.
const old = lfw.filter((r) => Math.min(r.full.open['0.6']![0], r.full.open['0.6']![1]) < 0).length / lfw.length;
const moves = lfw.filter((r) => r.region).flatMap((r) => [0, 1].map((e) => Math.abs(r.full.open['0.6']![e]! - r.region!.open['0.6']![e]!))).sort((a, b) => a - b);
const at = (q: number) => moves[Math.floor(q * (moves.length - 1))]!;
console.log(`the old rule (lower eye < 0.5, one 0.6 crop) reads ${(100 * old).toFixed(1)} % of lfw-dev faces closed; one crop's log-odds moves by ${at(0.5).toFixed(1)} (median) / ${at(0.9).toFixed(1)} (p90) between the full and the region pass`);

// The shipped threshold is set by calibrate:gate (its share of the pairs refused); here, what
// it means for faces, and for the closed-eye photos.
const shipped = DEFAULT_QUALITY_THRESHOLDS.minEyesOpen;
const shippedLogit = logit(shipped);
const shippedRate = falseClosed(lfw, chosen.f, shippedLogit);
console.log(`shipped minEyesOpen ${shipped}: ${(100 * shippedRate).toFixed(2)} % of lfw-dev faces read closed; the closed-eye photos read ${closedPhotos.map((r) => sigmoid(score(r.full, chosen.f)).toExponential(1)).join(', ')}`);
// The 68-landmark eye aspect ratio, for comparison: its 1 % false-closed point and the closed photos.
const ear = (r: EyeRecord) => (r.ear[0] + r.ear[1]) / 2;
const earAt1 = [...lfw.map(ear)].sort((a, b) => a - b)[Math.floor(0.01 * lfw.length)]!;
console.log(`eye aspect ratio (fr_landmark): 1 % of lfw-dev faces read below ${earAt1.toFixed(3)}; the closed-eye photos read ${closedPhotos.map((r) => ear(r).toFixed(3)).join(', ')}, ${closedPhotos.every((r) => ear(r) < earAt1) ? 'below it' : 'not below it: EAR alone cannot tell them apart'}`);
console.log(JSON.stringify({
  shipped: { minEyesOpen: shipped, falseClosed: shippedRate },
  faces: lfw.length, people: folds.size, folds: k, target,
  chosen: { form: chosen.form, falseClosed: chosen.test, disagree: chosen.flips, threshold: sigmoid(all) },
  forms: rows.map((r) => ({ form: r.form, falseClosed: r.test, disagree: r.flips, closedPhotos: r.closedOk })),
}));
