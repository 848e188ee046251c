// What real turning heads give the head-turn challenge, from eval:pad traces (turn modes): per
// clip, the yaw reached each way, the nose parallax of the turned frames against the first
// frontal frame (towards the turn, inter-ocular distances; the challenge needs 0.08), the
// identity of turned frames (cosine with the run's first embedding), and what the gate said.
//   pnpm exec tsx scripts/eval/pad-turns.ts -- --traces .cache/pad-traces.json
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { HEAD_TURN_DEFAULTS, noseParallax, percentile, type Keypoints5 } from '@facekit/core';
import { parseArgs } from '@facekit/test-support/browser-session';
import { readPadManifest, type PadClip } from '@facekit/test-support/pad-clips';

interface Frame { t: number; hint: string; f?: { kp: number[][]; yaw: number; emb: boolean; cos0?: number } }
interface Trace { clips: PadClip[]; runs: { clip: string; mode: string; outcome: string; frames: Frame[] }[] }
const args = parseArgs(process.argv.slice(2));
const trace = JSON.parse(readFileSync(resolve(String(args.get('traces'))), 'utf8')) as Trace;
const { yawThreshold, returnBelow, minParallax } = HEAD_TURN_DEFAULTS;
const manifest = readPadManifest();
const f2 = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '  -  ' : v.toFixed(2));

console.log(`turn-mode runs of genuine clips that turn both ways; parallax needs ≥ ${minParallax}, yaw ≥ ${yawThreshold}°`);
console.log(`${'clip'.padEnd(44)}${'mode'.padEnd(14)}${'outcome'.padEnd(9)}yaw −/+      parallax at |yaw|>${yawThreshold}° min/median   cos turned min   gate refusals`);
const allParallax: number[] = [], allCos: number[] = [];
for (const run of trace.runs.filter((r) => r.mode.includes('turn'))) {
  // Labels as the manifest has them now.
  const clip = manifest.find((c) => c.file === run.clip);
  if (!clip || clip.label !== 'genuine' || !clip.turns) continue;
  const faces = run.frames.filter((f) => f.f);
  const ref = faces.find((f) => Math.abs(f.f!.yaw) <= returnBelow);
  const parallax: number[] = [], cos: number[] = [];
  for (const f of faces) {
    const yaw = f.f!.yaw;
    if (Math.abs(yaw) <= yawThreshold) continue;
    if (ref) {
      const p = noseParallax(ref.f!.kp as unknown as Keypoints5, f.f!.kp as unknown as Keypoints5);
      if (p !== undefined) parallax.push(yaw > 0 ? p : -p);
    }
    if (f.f!.cos0 !== undefined) cos.push(f.f!.cos0);
  }
  allParallax.push(...parallax); allCos.push(...cos);
  const refusals = new Map<string, number>();
  for (const f of run.frames) if (!['hold-still', 'look-left', 'look-right', 'face-camera'].includes(f.hint)) refusals.set(f.hint, (refusals.get(f.hint) ?? 0) + 1);
  const yaws = faces.map((f) => f.f!.yaw);
  console.log(`${run.clip.slice(-43).padEnd(44)}${run.mode.padEnd(14)}${run.outcome.padEnd(9)}${`${Math.min(...yaws).toFixed(0)}/${Math.max(...yaws).toFixed(0)}`.padEnd(13)}`
    + `${`${f2(parallax.length ? Math.min(...parallax) : undefined)} / ${f2(parallax.length ? percentile(parallax, 50) : undefined)}`.padEnd(32)}${f2(cos.length ? Math.min(...cos) : undefined).padEnd(17)}`
    + [...refusals].map(([k, n]) => `${k} ${n}`).join(', '));
}
if (allParallax.length) console.log(`\nall turned frames: parallax 5th/50th percentile ${f2(percentile(allParallax, 5))} / ${f2(percentile(allParallax, 50))} (${allParallax.filter((p) => p < minParallax).length} of ${allParallax.length} below ${minParallax})`);
if (allCos.length) console.log(`turned frames' cosine with the run's first embedding: 5th/50th percentile ${f2(percentile(allCos, 5))} / ${f2(percentile(allCos, 50))}`);
