// eval:pad on a folder of labelled stills (real/ and spoof/, e.g. shared/data/spoof-dev): each
// photo's most confident det_500m face (EXIF applied, as a browser decodes) scored by every
// anti-spoofing candidate in Node, then the threshold cross-validated leaving one source out
// (the file-name prefix before the first '_': the repository the photo came from), so no source
// lends its own photos to the threshold it is judged by.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS, thresholdAboveSpoofs } from '@facekit/core';
import { decodeImageFileOriented } from '@facekit/test-support/exif';
import { createNodeLiveness } from '@facekit/test-support/liveness-runtime';
import { createNodeDetector } from '@facekit/test-support/node';
import { groupThresholdCv } from '@facekit/test-support/pad-report';

interface Still { file: string; attack: boolean; group: string; scores: Record<string, number> }

async function scoreStills(dir: string): Promise<{ stills: Still[]; skipped: string[] }> {
  const detector = await createNodeDetector(MODELS.det_500m);
  const live = await createNodeLiveness([MODELS.minifasnet_v2, MODELS.minifasnet_v1se]);
  const stills: Still[] = [], skipped: string[] = [];
  try {
    const files = (['real', 'spoof'] as const).flatMap((label) => readdirSync(join(dir, label)).sort().map((f) => ({ label, f })));
    for (const [i, { label, f }] of files.entries()) {
      process.stderr.write(`\rstills ${i + 1}/${files.length} ${f.padEnd(40)}`);
      const image = decodeImageFileOriented(join(dir, label, f));
      const face = (await detector.detect(image)).faces[0];
      if (!face) { skipped.push(`${label}/${f} (no face)`); continue; }
      const r = (await live.check(image, [face.box])).faces[0]!;
      stills.push({ file: `${label}/${f}`, attack: label === 'spoof', group: f.split('_')[0]!, scores: { fused: r.score, minifasnet_v2: r.perModel.minifasnet_v2!, minifasnet_v1se: r.perModel.minifasnet_v1se! } });
    }
  } finally {
    process.stderr.write('\n');
    await detector.release();
    await live.release();
  }
  return { stills, skipped };
}

/** Scores, prints and cross-validates the stills; returns the summary for the JSON line. */
export async function evalStills(dir: string): Promise<Record<string, unknown>> {
  const { stills, skipped } = await scoreStills(dir);
  const candidates = Object.keys(stills[0]?.scores ?? {});
  console.log(`stills: ${dir} — ${stills.filter((s) => !s.attack).length} real, ${stills.filter((s) => s.attack).length} attack, sources ${[...new Set(stills.map((s) => s.group))].join(', ')}`);
  console.log(`${'file'.padEnd(40)}${candidates.map((c) => c.padEnd(17)).join('')}`);
  for (const s of stills) console.log(`${s.file.padEnd(40)}${candidates.map((c) => s.scores[c]!.toFixed(4).padEnd(17)).join('')}`);
  if (skipped.length) console.log(`left out: ${skipped.join(', ')}`);
  const pc = (v: number) => `${(100 * v).toFixed(1)} %`;
  console.log('\nleave-one-source-out threshold (rule: above every training attack, midway to the next genuine)');
  console.log(`${'candidate'.padEnd(17)}ACER mean ± std    pooled APCER / BPCER / ACER     per held-out source: threshold → APCER / BPCER`);
  const out: Record<string, unknown> = {};
  for (const c of candidates) {
    const cv = groupThresholdCv(stills.map((s) => ({ score: s.scores[c]!, attack: s.attack, group: s.group })), thresholdAboveSpoofs);
    out[c] = { acerMean: cv.acerMean, acerStd: cv.acerStd, pooled: cv.pooled, folds: cv.folds };
    console.log(`${c.padEnd(17)}${`${pc(cv.acerMean)} ± ${pc(cv.acerStd)}`.padEnd(19)}${`${pc(cv.pooled.apcer)} / ${pc(cv.pooled.bpcer)} / ${pc(cv.pooled.acer)}`.padEnd(32)}`
      + cv.folds.map((f) => `${f.group}: ${f.threshold.toFixed(3)} → ${pc(f.apcer)} / ${pc(f.bpcer)}`).join('; '));
  }
  return { dir, real: stills.filter((s) => !s.attack).length, attacks: stills.filter((s) => s.attack).length, candidates: out };
}
