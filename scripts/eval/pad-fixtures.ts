// Cuts unit-test fixtures from eval:pad traces: the per-frame numbers (time, keypoints, pose, eye
// probabilities, passive scores) of chosen clips and modes, and nothing of their pictures, so
// CI checks blink, turn and aggregation logic on real motion without the videos.
//   pnpm exec tsx scripts/eval/pad-fixtures.ts -- --traces .cache/pad-traces.json --out packages/core/src/liveness/fixtures/real-tracks.json clip:mode …
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from '@facekit/test-support/browser-session';
import type { PadClip } from '@facekit/test-support/pad-clips';

interface Trace { clips: PadClip[]; runs: { clip: string; mode: string; frames: { t: number; f?: { kp: number[][]; yaw: number; live?: number; eyes?: number[] } }[] }[] }
const argv = process.argv.slice(2);
const args = parseArgs(argv);
const traces = String(args.get('traces'));
const out = String(args.get('out'));
const wanted = argv.filter((a) => a.includes(':') && !a.startsWith('--'));
const sources = traces.split(',').map((p) => JSON.parse(readFileSync(resolve(p), 'utf8')) as Trace);
const tracks = wanted.map((w) => {
  const [needle, mode] = w.split(':') as [string, string];
  for (const t of sources) {
    const run = t.runs.find((r) => r.clip.includes(needle) && r.mode === mode);
    if (!run) continue;
    const c = t.clips.find((x) => x.file === run.clip)!;
    return {
      clip: c.file, repo: c.repo, commit: c.commit, path: c.path, label: c.label, kind: c.kind, mode,
      // One row a processed frame: [t ms, ...10 keypoint coordinates, yaw, left eye, right eye, fused score]; null where absent.
      frames: run.frames.filter((f) => f.f).map((f) => [f.t, ...f.f!.kp.flat(), f.f!.yaw, f.f!.eyes?.[0] ?? null, f.f!.eyes?.[1] ?? null, f.f!.live ?? null]),
    };
  }
  throw new Error(`no run for ${w} in ${traces}`);
});
writeFileSync(resolve(out), `${JSON.stringify({ columns: 't, x0, y0 … x4, y4 (eyes, nose, mouth corners), yaw, eyeLeft, eyeRight, fusedScore', tracks }, null, 0).replace(/\],\[/g, '],\n[')}\n`);
console.log(`${tracks.length} tracks, ${tracks.reduce((s, t) => s + t.frames.length, 0)} frames → ${out}`);
