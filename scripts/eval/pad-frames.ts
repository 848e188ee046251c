// Passive liveness on the frames of the real-video development set, in Node: why genuine video
// scores low, and which candidate holds. Each clip (scripts/eval/pad-clips.json) is sampled at
// 3 frames a second over its first 8 s, shaped as eval:pad's 'native' framing (longer side 640);
// the most confident det_500m face of each frame is scored by every candidate. A clip's score is
// an aggregate of its frames' (median, mean, minimum, lower quartile). Thresholds are
// cross-validated leaving one source repository out (its people stay in one fold).
//   pnpm exec tsx scripts/eval/pad-frames.ts [-- --only <text> --json .cache/pad-frames.json]
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { lumaStats, MODELS, percentile, thresholdAboveSpoofs } from '@facekit/core';
import { parseArgs } from '@facekit/test-support/browser-session';
import { createNodeLiveness } from '@facekit/test-support/liveness-runtime';
import { createNodeDetector, cropPixels, type RgbaImage } from '@facekit/test-support/node';
import { padClipFrames, padClipPath, readPadManifest } from '@facekit/test-support/pad-clips';
import { groupThresholdCv } from '@facekit/test-support/pad-report';

const args = parseArgs(process.argv.slice(2));
const only = args.get('only');

/** Mean luma of the box's pixels inside the image (the quality gate's own luma). */
function meanLuma(im: RgbaImage, box: readonly number[]): number {
  const x = Math.max(0, Math.floor(box[0]!)), y = Math.max(0, Math.floor(box[1]!));
  const width = Math.min(im.width, Math.ceil(box[2]!)) - x, height = Math.min(im.height, Math.ceil(box[3]!)) - y;
  return width > 0 && height > 0 ? lumaStats(cropPixels(im, { x, y, width, height }), width, height).mean : 0;
}

const clips = readPadManifest().filter((c) => typeof only !== 'string' || c.file.includes(only));
const detector = await createNodeDetector(MODELS.det_500m);
const live = await createNodeLiveness([MODELS.minifasnet_v2, MODELS.minifasnet_v1se]);
interface ClipScores { file: string; attack: boolean; kind: string; group: string; person: string; frames: number; perFrame: Record<string, number[]> }
const results: ClipScores[] = [];
try {
  for (const [i, c] of clips.entries()) {
    const p = padClipPath(c);
    if (!p) continue;
    const perFrame: Record<string, number[]> = { fused: [], minifasnet_v2: [], minifasnet_v1se: [], height: [], luma: [], fused_gain: [] };
    const fs = padClipFrames(p, c, 8, 3);
    for (const [j, im] of fs.entries()) {
      process.stderr.write(`\r${i + 1}/${clips.length} frame ${j + 1}/${fs.length} ${c.file.slice(-40).padEnd(40)}`);
      const face = (await detector.detect(im)).faces[0];
      if (!face) continue;
      const r = (await live.check(im, [face.box])).faces[0]!;
      perFrame.fused!.push(r.score);
      perFrame.minifasnet_v2!.push(r.perModel.minifasnet_v2!);
      perFrame.minifasnet_v1se!.push(r.perModel.minifasnet_v1se!);
      // How much of the frame the face fills (MiniFASNet's crop shrinks past ~1/2.7), and its light.
      const [x1, y1, x2, y2] = face.box;
      perFrame.height!.push((y2 - y1) / im.height);
      const luma = meanLuma(im, face.box);
      perFrame.luma!.push(luma);
      // A what-if: a dark face brightened to a mean luma of 110 (gain ≤ 3) before scoring.
      const gain = Math.min(3, Math.max(1, 110 / Math.max(luma, 1)));
      perFrame.fused_gain!.push(gain === 1 ? r.score : (await live.check({ ...im, data: im.data.map((v, k) => (k % 4 === 3 ? v : v * gain)) }, [face.box])).faces[0]!.score);
    }
    results.push({ file: c.file, attack: c.label === 'attack', kind: c.kind, group: c.repo.split('/')[0]!, person: c.person, frames: fs.length, perFrame });
  }
} finally {
  process.stderr.write('\n');
  await detector.release();
  await live.release();
}

const aggregates: Record<string, (xs: number[]) => number> = {
  median: (xs) => percentile(xs, 50),
  mean: (xs) => xs.reduce((s, v) => s + v, 0) / xs.length,
  q1: (xs) => percentile(xs, 25),
  min: (xs) => Math.min(...xs),
};
const pc = (v: number) => `${(100 * v).toFixed(1)} %`;
console.log(`${results.length} clips (${results.filter((r) => !r.attack).length} genuine, ${results.filter((r) => r.attack).length} attacks), ${new Set(results.map((r) => r.group)).size} sources`);
console.log(`${'clip'.padEnd(44)}${'kind'.padEnd(9)}frames  fused median  V2 median  V1SE median  fused min  face height  face luma`);
for (const r of results) {
  const m = (k: string) => (r.perFrame[k]!.length ? percentile(r.perFrame[k]!, 50).toFixed(3) : '  -  ');
  console.log(`${r.file.slice(-43).padEnd(44)}${`${r.attack ? 'A ' : ''}${r.kind}`.padEnd(9)}${`${r.perFrame.fused!.length}/${r.frames}`.padEnd(8)}${m('fused').padEnd(14)}${m('minifasnet_v2').padEnd(11)}${m('minifasnet_v1se').padEnd(13)}${(r.perFrame.fused!.length ? Math.min(...r.perFrame.fused!).toFixed(3) : '-').padEnd(11)}${m('height').padEnd(13)}${r.perFrame.luma!.length ? percentile(r.perFrame.luma!, 50).toFixed(0) : '-'}`);
}
console.log('\nleave-one-source-out threshold on clip scores (rule: above every training attack, midway to the next genuine)');
console.log(`${'candidate'.padEnd(30)}ACER mean ± std    pooled APCER / BPCER`);
const summary: Record<string, unknown> = {};
const scored = results.filter((r) => r.perFrame.fused!.length);
for (const model of ['fused', 'minifasnet_v2', 'minifasnet_v1se', 'fused_gain']) {
  for (const [agg, f] of Object.entries(aggregates)) {
    const cv = groupThresholdCv(scored.map((r) => ({ score: f(r.perFrame[model]!), attack: r.attack, group: r.group })), thresholdAboveSpoofs);
    summary[`${model}/${agg}`] = { acerMean: cv.acerMean, acerStd: cv.acerStd, pooled: cv.pooled };
    console.log(`${`${model} ${agg}`.padEnd(30)}${`${pc(cv.acerMean)} ± ${pc(cv.acerStd)}`.padEnd(19)}${pc(cv.pooled.apcer)} / ${pc(cv.pooled.bpcer)}`);
  }
}
const jsonOut = args.get('json');
if (typeof jsonOut === 'string') writeFileSync(resolve(jsonOut), JSON.stringify({ results, summary }));
console.log(JSON.stringify({ clips: results.length, summary }));
