// What real faces give the liveness checks, from eval:pad traces (--traces; labels as
// scripts/eval/pad-clips.json has them now):
// - turns: per genuine turning clip in a turn mode, the yaw reached each way, the nose parallax of
//   the turned frames against the first frontal frame (towards the turn, inter-ocular distances;
//   the challenge needs 0.08), the identity of turned frames (cosine with the run's first
//   embedding) and what the gate said;
// - blinks: every closing the eye model read in a blink mode (open → closed → open within
//   maxClosedMs), with how far the eyes' midpoint moved (inter-ocular distances) and their
//   distance changed from the last open frame to the reopening: what `maxMove` and
//   `maxScaleChange` are set against;
// - windows: per clip in a passive mode, the share of the loop's 5-frame medians at or above the
//   threshold, and the median of every frame: how much a single window's verdict depends on when
//   it is taken.
//   pnpm exec tsx scripts/eval/pad-tracks.ts -- --traces .cache/pad-traces.json[,more.json]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BLINK_DEFAULTS, DEFAULT_LIVENESS_THRESHOLD, HEAD_TURN_DEFAULTS, createScoreWindow, interocularDistance, livenessModeFlags, noseParallax, percentile, type Keypoints5, type LivenessMode } from '@facekit/core';
import { parseArgs } from '@facekit/test-support/browser-session';
import { readPadManifest } from '@facekit/test-support/pad-clips';

interface Frame { t: number; hint: string; f?: { kp: number[][]; yaw: number; emb: boolean; cos0?: number; eyes?: number[]; live?: number } }
interface Run { clip: string; mode: LivenessMode; outcome: string; frames: Frame[] }
const args = parseArgs(process.argv.slice(2));
const runs = String(args.get('traces')).split(',').flatMap((p) => (JSON.parse(readFileSync(resolve(p), 'utf8')) as { runs: Run[] }).runs);
const manifest = new Map(readPadManifest().map((c) => [c.file, c]));
const { yawThreshold, returnBelow, minParallax } = HEAD_TURN_DEFAULTS;
const f2 = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '  -  ' : v.toFixed(2));
const kps = (f: Frame) => f.f!.kp as unknown as Keypoints5;
const range = (xs: number[]) => (xs.length ? `${f2(Math.min(...xs))}–${f2(Math.max(...xs))}` : '-');

// ---------------------------------------------------------------- turns
console.log(`turns: genuine clips that turn both ways, in turn modes; parallax needs ≥ ${minParallax}, yaw ≥ ${yawThreshold}°`);
console.log(`${'clip'.padEnd(44)}${'mode'.padEnd(14)}${'outcome'.padEnd(9)}yaw −/+      parallax at |yaw|>${yawThreshold}° min/median   cos turned min   gate refusals`);
const allParallax: number[] = [], allCos: number[] = [];
for (const run of runs.filter((r) => livenessModeFlags(r.mode).turn)) {
  const clip = manifest.get(run.clip);
  if (!clip || clip.label !== 'genuine' || !clip.turns) continue;
  const faces = run.frames.filter((f) => f.f);
  const ref = faces.find((f) => Math.abs(f.f!.yaw) <= returnBelow);
  const parallax: number[] = [], cos: number[] = [];
  for (const f of faces) {
    const yaw = f.f!.yaw;
    if (Math.abs(yaw) <= yawThreshold) continue;
    const p = ref && noseParallax(kps(ref), kps(f));
    if (p !== undefined) parallax.push(yaw > 0 ? p : -p);
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
if (allParallax.length) console.log(`all turned frames: parallax 5th/50th percentile ${f2(percentile(allParallax, 5))} / ${f2(percentile(allParallax, 50))} (${allParallax.filter((p) => p < minParallax).length} of ${allParallax.length} below ${minParallax})`);
if (allCos.length) console.log(`turned frames' cosine with the run's first embedding: 5th/50th percentile ${f2(percentile(allCos, 5))} / ${f2(percentile(allCos, 50))}`);

// ---------------------------------------------------------------- blinks
interface Closing { clip: string; label: string; kind: string; first: boolean; ms: number; move: number; scale: number }
const closings: Closing[] = [];
for (const run of runs.filter((r) => livenessModeFlags(r.mode).blink)) {
  const clip = manifest.get(run.clip);
  if (!clip) continue;
  let open: Frame | undefined, closed: Frame[] = [], first = true;
  for (const f of run.frames.filter((x) => x.f?.eyes)) {
    const [l, r] = f.f!.eyes!;
    const isOpen = Math.min(l!, r!) >= BLINK_DEFAULTS.openAbove, isClosed = Math.max(l!, r!) <= BLINK_DEFAULTS.closedBelow;
    if (closed.length && isOpen && open) {
      const ms = f.t - closed[0]!.t;
      if (ms <= BLINK_DEFAULTS.maxClosedMs) {
        const [a, iod] = [kps(open), interocularDistance(kps(open))];
        const mid = (k: Keypoints5) => [(k[0][0] + k[1][0]) / 2, (k[0][1] + k[1][1]) / 2] as const;
        const [ax, ay] = mid(a);
        const after = [...closed, f].map(kps);
        closings.push({
          clip: run.clip, label: clip.label, kind: clip.kind, first, ms,
          move: Math.max(...after.map((k) => Math.hypot(mid(k)[0] - ax, mid(k)[1] - ay) / iod)),
          scale: Math.max(...after.map((k) => Math.abs(interocularDistance(k) / iod - 1))),
        });
        first = false;
      }
      closed = [];
    } else if (isClosed && open) closed.push(f);
    if (isOpen && !closed.length) open = f;
  }
}
console.log('\nblinks: closings the eye model read in blink modes (≤ maxClosedMs), eyes\' move and scale change from the last open frame to the reopening');
console.log(`${'clip'.padEnd(44)}${'label'.padEnd(9)}${'kind'.padEnd(9)}${'ms'.padEnd(7)}move   scale`);
for (const c of closings) console.log(`${c.clip.slice(-43).padEnd(44)}${c.label.padEnd(9)}${c.kind.padEnd(9)}${String(c.ms).padEnd(7)}${f2(c.move).padEnd(7)}${f2(c.scale)}${c.first ? '' : '  (later)'}`);
const firstReal = closings.filter((c) => c.first && c.label === 'genuine' && c.kind !== 'turn');
const still = firstReal.filter((c) => c.move <= BLINK_DEFAULTS.maxMove);
console.log(`first closing of ${firstReal.length} genuine clips that do not turn: move ${range(firstReal.map((c) => c.move))}; ${still.length} within maxMove ${BLINK_DEFAULTS.maxMove} (scale ${range(still.map((c) => c.scale))}), the others move ${range(firstReal.filter((c) => c.move > BLINK_DEFAULTS.maxMove).map((c) => c.move))} (scale ${range(firstReal.filter((c) => c.move > BLINK_DEFAULTS.maxMove).map((c) => c.scale))})`);
const moving = closings.filter((c) => c.label === 'attack' || c.kind === 'turn');
console.log(`closings in turning genuine clips and in attacks: move ${range(moving.map((c) => c.move))}`);

// ---------------------------------------------------------------- windows
console.log(`\nwindows: per clip in passive modes, the share of 5-frame medians ≥ ${DEFAULT_LIVENESS_THRESHOLD} and the median of every frame`);
for (const run of runs.filter((r) => livenessModeFlags(r.mode).passive)) {
  const scores = run.frames.flatMap((f) => (f.f?.live === undefined ? [] : [f.f.live]));
  if (scores.length < 10) continue;
  const w = createScoreWindow(5);
  const medians = scores.map((s) => { w.push(s); return w.median()!; }).slice(4);
  const label = manifest.get(run.clip)?.label ?? '?';
  console.log(`${run.clip.slice(-43).padEnd(44)}${label.padEnd(9)}${run.mode.padEnd(14)}${run.outcome.padEnd(9)}${String(scores.length).padEnd(5)}frames  ≥ threshold ${(100 * medians.filter((m) => m >= DEFAULT_LIVENESS_THRESHOLD).length / medians.length).toFixed(0).padStart(3)} %  all-frame median ${f2(percentile(scores, 50))}`);
}
